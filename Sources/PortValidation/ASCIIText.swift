/// Byte-level text helpers shared by the validators (Foundation-free, ASCII only).
///
/// Input is folded first: full-width forms (U+FF01–U+FF5E, as typed on Japanese keyboards) become their ASCII
/// counterparts, the ideographic space U+3000 becomes a space, and any other non-ASCII scalar becomes 0xFF so it
/// fails every character-class check.
enum ASCIIText {
    static let space: UInt8 = 0x20

    /// The folded bytes of `text`, upper-cased when `uppercase`, with bytes in `removing` dropped.
    static func fold(_ text: String, uppercase: Bool = true, removing: Set<UInt8> = []) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            var value = scalar.value
            if (0xFF01...0xFF5E).contains(value) { value -= 0xFEE0 }
            if value == 0x3000 { value = 0x20 }
            var byte: UInt8 = value < 0x80 ? UInt8(value) : 0xFF
            if uppercase, isLower(byte) { byte -= 0x20 }
            if removing.contains(byte) { continue }
            bytes.append(byte)
        }
        return bytes
    }

    /// The folded bytes of `text` with leading and trailing spaces/tabs trimmed (inner characters kept).
    static func trimmed(_ text: String, uppercase: Bool = true) -> [UInt8] {
        let bytes = fold(text, uppercase: uppercase)
        let isBlank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }),
            let last = bytes.lastIndex(where: { !isBlank($0) })
        else { return [] }
        return Array(bytes[first...last])
    }

    /// Whitespace that the code-like validators strip anywhere in the value.
    static let whitespace: Set<UInt8> = [0x20, 0x09, 0x0A, 0x0D]

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isUpper(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isAlphanumeric(_ byte: UInt8) -> Bool { isDigit(byte) || isUpper(byte) }
    static func digitValue(_ byte: UInt8) -> Int { Int(byte) - 0x30 }

    /// The bytes as a String (callers only pass ASCII).
    static func string<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        String(decoding: bytes, as: UTF8.self)
    }

    /// A printable rendering of user input for messages (non-ASCII shown as `?`).
    static func quoted<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        "\"" + string(bytes.map { $0 < 0x80 ? $0 : 0x3F }) + "\""
    }
}
