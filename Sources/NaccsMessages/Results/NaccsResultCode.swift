/// A processing-result code (処理結果コード): 15 characters `XXXXX-XXXX-XXXX` — a 5-character error code (class
/// letter and 4 digits, `00000` for normal end), a 4-character item abbreviation (`0000` when no item is involved;
/// shorter abbreviations such as `CNO` are padded with spaces) and a 4-digit repetition number (`0000` when the item
/// does not repeat, else the 1-based occurrence). `00000-0000-0000` means normal end.
public struct NaccsResultCode: Sendable, Hashable, CustomStringConvertible {
    /// `A0004`, or `00000` for normal end.
    public let errorCode: String
    /// `CNO`, or `0000` when no item is involved (stored without padding).
    public let item: String
    /// 0 when not repeated, else the 1-based occurrence.
    public let repetition: Int

    /// Normal end.
    public static let normal = NaccsResultCode(uncheckedErrorCode: "00000", item: "0000", repetition: 0)

    /// The width of a code in a result notice.
    public static let width = 15

    private init(uncheckedErrorCode: String, item: String, repetition: Int) {
        self.errorCode = uncheckedErrorCode
        self.item = item
        self.repetition = repetition
    }

    /// A code of `resultClass` with its 4-digit `number`, naming `item` (nil: none) and its occurrence.
    public init(_ resultClass: NaccsResultClass, _ number: Int, item: String? = nil, repetition: Int = 0) {
        let digits = String(max(0, min(number, 9999)))
        self.errorCode = resultClass.rawValue + String(repeating: "0", count: 4 - digits.count) + digits
        let abbreviation = String((item ?? "0000").prefix(4))
        self.item = abbreviation.isEmpty ? "0000" : abbreviation
        self.repetition = max(0, min(repetition, 9999))
    }

    /// Parses the 15-character form; nil when it is not one.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 15, bytes[5] == 0x2D, bytes[10] == 0x2D else { return nil }
        let code = bytes[0..<5]
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        if code.allSatisfy(isDigit) {
            guard code.allSatisfy({ $0 == 0x30 }) else { return nil }
        } else {
            guard NaccsResultClass(rawValue: String(UnicodeScalar(code[0]))) != nil,
                code.dropFirst().allSatisfy(isDigit)
            else { return nil }
        }
        let itemBytes = bytes[6..<10]
        var itemEnd = itemBytes.endIndex
        while itemEnd > itemBytes.startIndex, itemBytes[itemEnd - 1] == 0x20 { itemEnd -= 1 }
        let item = itemBytes[itemBytes.startIndex..<itemEnd]
        guard !item.isEmpty,
            item.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || isDigit($0) })
        else { return nil }
        let repetition = bytes[11..<15]
        guard repetition.allSatisfy(isDigit) else { return nil }
        self.errorCode = String(decoding: code, as: UTF8.self)
        self.item = String(decoding: item, as: UTF8.self)
        self.repetition = repetition.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// The class, or nil for normal end.
    public var resultClass: NaccsResultClass? {
        guard let first = errorCode.first else { return nil }
        return NaccsResultClass(rawValue: String(first))
    }

    /// Whether this is `00000-0000-0000`.
    public var isNormal: Bool { resultClass == nil }

    /// Whether the input was rejected (any class but W and M).
    public var isError: Bool { resultClass?.isError ?? false }

    /// The item abbreviation, or nil when the code involves no item.
    public var itemAbbreviation: String? { item == "0000" ? nil : item }

    /// The 15-character form.
    public var description: String {
        let paddedItem = item + String(repeating: " ", count: max(0, 4 - item.utf8.count))
        let digits = String(repetition)
        return errorCode + "-" + paddedItem + "-" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
