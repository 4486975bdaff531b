/// The input common header (入力共通項目, cyberport-reference.md 2.2): 398 bytes, followed by CR LF and the body.
///
/// | Field | Bytes | Here |
/// |---|---|---|
/// | 制御情報 | 3 | reserved (spaces) |
/// | 業務コード | 5 | `businessCode`, e.g. `EDA` |
/// | 予約 | 21 | |
/// | 利用者コード | 5 | `userCode` |
/// | 識別番号 | 3 | `identificationNumber` |
/// | 利用者パスワード | 8 | `password` (never printed) |
/// | 予約 | 174 | |
/// | 電文引継情報 | 26 | `messageHandOver`, echoed in outputs |
/// | 予約 | 8 | |
/// | 入力情報特定番号 | 10 | `inputInformationID`, echoed in outputs |
/// | 索引引継情報 | 100 | `indexHandOver`, echoed in outputs |
/// | 予約 | 1 | |
/// | システム識別 | 1 | `systemID`, must not be blank |
/// | 予約 | 27 | `optionArea` (one client puts EDA's 大額/少額 flag here) |
/// | 電文長 | 6 | computed: the whole message's length in bytes (header, CR LF and body), zero-padded |
public struct NaccsInputHeader: Sendable, Hashable {
    /// The header's size in bytes, without the CR LF that follows it.
    public static let byteCount = 398

    public var businessCode: String
    public var userCode: String
    public var identificationNumber: String
    public var password: String
    public var messageHandOver: String
    public var inputInformationID: String
    public var indexHandOver: String
    public var systemID: String
    public var optionArea: String

    public init(
        businessCode: String, userCode: String = "", identificationNumber: String = "", password: String = "",
        messageHandOver: String = "", inputInformationID: String = "", indexHandOver: String = "",
        systemID: String = "1", optionArea: String = ""
    ) {
        self.businessCode = businessCode
        self.userCode = userCode
        self.identificationNumber = identificationNumber
        self.password = password
        self.messageHandOver = messageHandOver
        self.inputInformationID = inputInformationID
        self.indexHandOver = indexHandOver
        self.systemID = systemID
        self.optionArea = optionArea
    }

    /// The fields in wire order.
    enum Field {
        static let control = HeaderFieldSpec.reserved(0, 3)
        static let businessCode = HeaderFieldSpec(name: "businessCode", width: 5, characterSet: .alphanumeric)
        static let reserved1 = HeaderFieldSpec.reserved(1, 21)
        static let userCode = HeaderFieldSpec(name: "userCode", width: 5, characterSet: .alphanumeric)
        static let identificationNumber = HeaderFieldSpec(
            name: "identificationNumber", width: 3, characterSet: .alphanumeric)
        static let password = HeaderFieldSpec(name: "password", width: 8, characterSet: .password)
        static let reserved2 = HeaderFieldSpec.reserved(2, 174)
        static let messageHandOver = HeaderFieldSpec(name: "messageHandOver", width: 26, characterSet: .text)
        static let reserved3 = HeaderFieldSpec.reserved(3, 8)
        static let inputInformationID = HeaderFieldSpec(
            name: "inputInformationID", width: 10, characterSet: .alphanumeric)
        static let indexHandOver = HeaderFieldSpec(name: "indexHandOver", width: 100, characterSet: .text)
        static let reserved4 = HeaderFieldSpec.reserved(4, 1)
        static let systemID = HeaderFieldSpec(name: "systemID", width: 1, characterSet: .alphanumeric)
        static let optionArea = HeaderFieldSpec(name: "optionArea", width: 27, characterSet: .text)
        static let messageLength = HeaderFieldSpec(name: "messageLength", width: 6, characterSet: .numeric)
    }

    /// The 398 header bytes for a message of `messageLength` bytes in all.
    func encoded(messageLength: Int) throws(NaccsFittingError) -> [UInt8] {
        var writer = HeaderWriter()
        try writer.write(Field.control, "")
        try writer.write(Field.businessCode, businessCode)
        try writer.write(Field.reserved1, "")
        try writer.write(Field.userCode, userCode)
        try writer.write(Field.identificationNumber, identificationNumber)
        try writer.write(Field.password, password)
        try writer.write(Field.reserved2, "")
        try writer.write(Field.messageHandOver, messageHandOver)
        try writer.write(Field.reserved3, "")
        try writer.write(Field.inputInformationID, inputInformationID)
        try writer.write(Field.indexHandOver, indexHandOver)
        try writer.write(Field.reserved4, "")
        try writer.write(Field.systemID, systemID)
        try writer.write(Field.optionArea, optionArea)
        try writer.writeNumber(Field.messageLength, messageLength)
        return writer.bytes
    }

    /// Decodes the header from exactly `byteCount` bytes; returns it with the declared message length.
    static func decode(_ bytes: ArraySlice<UInt8>) throws(NaccsDecodingError) -> (NaccsInputHeader, Int) {
        var reader = HeaderReader(bytes)
        _ = try reader.read(Field.control)
        let businessCode = try reader.read(Field.businessCode, required: true)
        _ = try reader.read(Field.reserved1)
        let userCode = try reader.read(Field.userCode)
        let identificationNumber = try reader.read(Field.identificationNumber)
        let password = try reader.read(Field.password)
        _ = try reader.read(Field.reserved2)
        let messageHandOver = try reader.read(Field.messageHandOver)
        _ = try reader.read(Field.reserved3)
        let inputInformationID = try reader.read(Field.inputInformationID)
        let indexHandOver = try reader.read(Field.indexHandOver)
        _ = try reader.read(Field.reserved4)
        let systemID = try reader.read(Field.systemID, required: true)
        let optionArea = try reader.read(Field.optionArea)
        let length = try reader.readNumber(Field.messageLength)
        let header = NaccsInputHeader(
            businessCode: businessCode, userCode: userCode, identificationNumber: identificationNumber,
            password: password, messageHandOver: messageHandOver, inputInformationID: inputInformationID,
            indexHandOver: indexHandOver, systemID: systemID, optionArea: optionArea)
        return (header, length)
    }
}

extension NaccsInputHeader: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The header without its password.
    public var description: String {
        "NaccsInputHeader(businessCode: \(businessCode), user: \(userCode)/\(identificationNumber), "
            + "inputInformationID: \(inputInformationID), systemID: \(systemID))"
    }

    public var debugDescription: String { description }

    /// Reflection (`dump`, string interpolation of containers) never shows the password.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "businessCode": businessCode, "userCode": userCode, "identificationNumber": identificationNumber,
                "password": "<redacted>", "messageHandOver": messageHandOver, "inputInformationID": inputInformationID,
                "indexHandOver": indexHandOver, "systemID": systemID, "optionArea": optionArea,
            ], displayStyle: .struct)
    }
}
