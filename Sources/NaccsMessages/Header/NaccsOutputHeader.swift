/// The output common header (出力共通項目, cyberport-reference.md 2.3): 398 bytes, followed by CR LF and the body.
///
/// | Field | Bytes | Here |
/// |---|---|---|
/// | reserved | 3 | |
/// | 業務コード | 5 | `businessCode` |
/// | 出力情報コード | 7 | `outputInformationCode`, e.g. `*SEDA  ` for EDA's result notice |
/// | 電文受信日時 | 14 | `receivedAt`, `yyyyMMddHHmmss` (Japan time) |
/// | 利用者コード | 5 | `userCode` |
/// | reserved | 17 | |
/// | 利用者メールアドレス | 64 | `userMailAddress` |
/// | 業務個別データ/Subject | 64 | `subject`, e.g. the declaration number |
/// | reserved | 40 | |
/// | 電文引継情報 | 26 | `messageHandOver`, echoed from the input |
/// | 分割通番 | 3 | `splitSerial`, 1–999, zero-padded |
/// | 最終表示 | 1 | `isFinal`: `E` on the last part, a space when more parts follow |
/// | 電文種別 | 1 | `kind`: R, M, P, C or U |
/// | reserved | 3 | |
/// | 入力情報特定番号 | 10 | `inputInformationID`, echoed from the input |
/// | 索引引継情報 | 100 | `indexHandOver`, echoed from the input |
/// | 宛管形式 | 1 | `destinationFormat` |
/// | reserved | 28 | |
/// | 電文長 | 6 | computed: the whole message's length in bytes, zero-padded |
public struct NaccsOutputHeader: Sendable, Hashable {
    /// The header's size in bytes, without the CR LF that follows it.
    public static let byteCount = 398

    public var businessCode: String
    public var outputInformationCode: String
    public var receivedAt: String
    public var userCode: String
    public var userMailAddress: String
    public var subject: String
    public var messageHandOver: String
    public var splitSerial: Int
    public var isFinal: Bool
    public var kind: NaccsMessageKind
    public var inputInformationID: String
    public var indexHandOver: String
    public var destinationFormat: String

    public init(
        businessCode: String, outputInformationCode: String, receivedAt: String, userCode: String,
        userMailAddress: String = "", subject: String = "", messageHandOver: String = "", splitSerial: Int = 1,
        isFinal: Bool = true, kind: NaccsMessageKind, inputInformationID: String = "", indexHandOver: String = "",
        destinationFormat: String = ""
    ) {
        self.businessCode = businessCode
        self.outputInformationCode = outputInformationCode
        self.receivedAt = receivedAt
        self.userCode = userCode
        self.userMailAddress = userMailAddress
        self.subject = subject
        self.messageHandOver = messageHandOver
        self.splitSerial = splitSerial
        self.isFinal = isFinal
        self.kind = kind
        self.inputInformationID = inputInformationID
        self.indexHandOver = indexHandOver
        self.destinationFormat = destinationFormat
    }

    enum Field {
        static let control = HeaderFieldSpec.reserved(0, 3)
        static let businessCode = HeaderFieldSpec(name: "businessCode", width: 5, characterSet: .alphanumeric)
        static let outputInformationCode = HeaderFieldSpec(
            name: "outputInformationCode", width: 7, characterSet: .text)
        static let receivedAt = HeaderFieldSpec(name: "receivedAt", width: 14, characterSet: .numeric)
        static let userCode = HeaderFieldSpec(name: "userCode", width: 5, characterSet: .alphanumeric)
        static let reserved1 = HeaderFieldSpec.reserved(1, 17)
        static let userMailAddress = HeaderFieldSpec(name: "userMailAddress", width: 64, characterSet: .text)
        static let subject = HeaderFieldSpec(name: "subject", width: 64, characterSet: .text)
        static let reserved2 = HeaderFieldSpec.reserved(2, 40)
        static let messageHandOver = HeaderFieldSpec(name: "messageHandOver", width: 26, characterSet: .text)
        static let splitSerial = HeaderFieldSpec(name: "splitSerial", width: 3, characterSet: .numeric)
        static let finalFlag = HeaderFieldSpec(name: "isFinal", width: 1, characterSet: .alphanumeric)
        static let kind = HeaderFieldSpec(name: "kind", width: 1, characterSet: .alphanumeric)
        static let reserved3 = HeaderFieldSpec.reserved(3, 3)
        static let inputInformationID = HeaderFieldSpec(
            name: "inputInformationID", width: 10, characterSet: .alphanumeric)
        static let indexHandOver = HeaderFieldSpec(name: "indexHandOver", width: 100, characterSet: .text)
        static let destinationFormat = HeaderFieldSpec(name: "destinationFormat", width: 1, characterSet: .alphanumeric)
        static let reserved4 = HeaderFieldSpec.reserved(4, 28)
        static let messageLength = HeaderFieldSpec(name: "messageLength", width: 6, characterSet: .numeric)
    }

    /// The 398 header bytes for a message of `messageLength` bytes in all.
    func encoded(messageLength: Int) throws(NaccsFittingError) -> [UInt8] {
        guard (1...999).contains(splitSerial) else {
            throw .outOfRange(field: Field.splitSerial.name, value: splitSerial, range: 1...999)
        }
        if !receivedAt.isEmpty, receivedAt.utf8.count != Field.receivedAt.width {
            throw .outOfRange(field: Field.receivedAt.name, value: receivedAt.utf8.count, range: 14...14)
        }
        var writer = HeaderWriter()
        try writer.write(Field.control, "")
        try writer.write(Field.businessCode, businessCode)
        try writer.write(Field.outputInformationCode, outputInformationCode)
        try writer.write(Field.receivedAt, receivedAt)
        try writer.write(Field.userCode, userCode)
        try writer.write(Field.reserved1, "")
        try writer.write(Field.userMailAddress, userMailAddress)
        try writer.write(Field.subject, subject)
        try writer.write(Field.reserved2, "")
        try writer.write(Field.messageHandOver, messageHandOver)
        try writer.writeNumber(Field.splitSerial, splitSerial)
        try writer.write(Field.finalFlag, isFinal ? "E" : "")
        try writer.write(Field.kind, kind.rawValue)
        try writer.write(Field.reserved3, "")
        try writer.write(Field.inputInformationID, inputInformationID)
        try writer.write(Field.indexHandOver, indexHandOver)
        try writer.write(Field.destinationFormat, destinationFormat)
        try writer.write(Field.reserved4, "")
        try writer.writeNumber(Field.messageLength, messageLength)
        return writer.bytes
    }

    /// Decodes the header from exactly `byteCount` bytes; returns it with the declared message length.
    static func decode(_ bytes: ArraySlice<UInt8>) throws(NaccsDecodingError) -> (NaccsOutputHeader, Int) {
        var reader = HeaderReader(bytes)
        _ = try reader.read(Field.control)
        let businessCode = try reader.read(Field.businessCode)
        let outputInformationCode = try reader.read(Field.outputInformationCode, required: true)
        let receivedAt = try reader.read(Field.receivedAt)
        if !receivedAt.isEmpty, receivedAt.utf8.count != Field.receivedAt.width {
            throw NaccsDecodingError(
                offset: 15, field: Field.receivedAt.name, reason: .invalidCode(receivedAt))
        }
        let userCode = try reader.read(Field.userCode)
        _ = try reader.read(Field.reserved1)
        let userMailAddress = try reader.read(Field.userMailAddress)
        let subject = try reader.read(Field.subject)
        _ = try reader.read(Field.reserved2)
        let messageHandOver = try reader.read(Field.messageHandOver)
        let serialOffset = reader.offset
        let splitSerial = try reader.readNumber(Field.splitSerial)
        guard splitSerial >= 1 else {
            throw NaccsDecodingError(offset: serialOffset, field: Field.splitSerial.name, reason: .invalidCode("000"))
        }
        let (finalByte, finalOffset) = reader.readByte(Field.finalFlag)
        guard finalByte == 0x45 || finalByte == FixedWidth.space else {
            throw NaccsDecodingError(
                offset: finalOffset, field: Field.finalFlag.name,
                reason: .invalidCharacter(byte: finalByte, characterSet: nil))
        }
        let (kindByte, kindOffset) = reader.readByte(Field.kind)
        guard let kind = NaccsMessageKind(rawValue: String(UnicodeScalar(kindByte))) else {
            throw NaccsDecodingError(
                offset: kindOffset, field: Field.kind.name, reason: .invalidCharacter(byte: kindByte, characterSet: nil))
        }
        _ = try reader.read(Field.reserved3)
        let inputInformationID = try reader.read(Field.inputInformationID)
        let indexHandOver = try reader.read(Field.indexHandOver)
        let destinationFormat = try reader.read(Field.destinationFormat)
        _ = try reader.read(Field.reserved4)
        let length = try reader.readNumber(Field.messageLength)
        let header = NaccsOutputHeader(
            businessCode: businessCode, outputInformationCode: outputInformationCode, receivedAt: receivedAt,
            userCode: userCode, userMailAddress: userMailAddress, subject: subject, messageHandOver: messageHandOver,
            splitSerial: splitSerial, isFinal: finalByte == 0x45, kind: kind, inputInformationID: inputInformationID,
            indexHandOver: indexHandOver, destinationFormat: destinationFormat)
        return (header, length)
    }
}
