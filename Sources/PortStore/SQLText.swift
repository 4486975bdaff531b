/// Small lexical rewrites of SQL text that leave string literals, quoted identifiers, comments and PostgreSQL
/// dollar-quoted strings untouched.
enum SQLText {
    /// Rewrites `$N` placeholders to SQLite's `?N` and returns the highest `N` (0 when there are none).
    static func translatePlaceholders(_ sql: String) -> (sql: String, parameterCount: Int) {
        var highest = 0
        let rewritten = transformCode(sql) { bytes, start, output in
            guard let (number, end) = placeholder(in: bytes, at: start) else { return nil }
            highest = max(highest, number)
            output.append(UInt8(ascii: "?"))
            output.append(contentsOf: bytes[(start + 1)..<end])
            return end
        }
        return (rewritten, highest)
    }

    /// The highest `$N` placeholder number in `sql` (0 when there are none).
    static func parameterCount(_ sql: String) -> Int {
        translatePlaceholders(sql).parameterCount
    }

    /// Replaces the word `name` (case-insensitively, whole words only) by `replacement`.
    static func rewriteTypeName(_ sql: String, from name: String, to replacement: String) -> String {
        let wanted = Array(name.lowercased().utf8)
        return transformCode(sql) { bytes, start, output in
            guard isIdentifierStart(bytes[start]), start == 0 || !isIdentifierByte(bytes[start - 1]) else { return nil }
            var end = start
            while end < bytes.count, isIdentifierByte(bytes[end]) { end += 1 }
            let word = bytes[start..<end]
            if word.count == wanted.count, zip(word, wanted).allSatisfy({ lowercased($0) == $1 }) {
                output.append(contentsOf: replacement.utf8)
            } else {
                output.append(contentsOf: word)
            }
            return end
        }
    }

    // MARK: - Lexer

    /// Copies `sql`, letting `code` rewrite the parts outside literals, quoted identifiers and comments. `code` gets
    /// the bytes, a position in code and the output; it returns the position after what it consumed (and wrote), or
    /// nil to copy one byte.
    private static func transformCode(
        _ sql: String, _ code: ([UInt8], Int, inout [UInt8]) -> Int?
    ) -> String {
        let bytes = Array(sql.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let next: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            var end: Int
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                end = quotedEnd(bytes, from: index, quote: byte)
            case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
                end = index + 2
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
                end = index + 2
                while end + 1 < bytes.count, !(bytes[end] == UInt8(ascii: "*") && bytes[end + 1] == UInt8(ascii: "/")) {
                    end += 1
                }
                end = min(end + 2, bytes.count)
            case UInt8(ascii: "$"):
                if let tagEnd = dollarQuoteTagEnd(bytes, from: index) {
                    end = dollarQuotedEnd(bytes, tag: bytes[index..<tagEnd], from: tagEnd)
                } else if let consumed = code(bytes, index, &output) {
                    index = consumed
                    continue
                } else {
                    end = index + 1
                }
            default:
                if let consumed = code(bytes, index, &output) {
                    index = consumed
                    continue
                }
                end = index + 1
            }
            output.append(contentsOf: bytes[index..<end])
            index = end
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The end of a quoted run starting at `from` (a doubled quote is an escaped quote).
    private static func quotedEnd(_ bytes: [UInt8], from start: Int, quote: UInt8) -> Int {
        var index = start + 1
        while index < bytes.count {
            if bytes[index] == quote {
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return bytes.count
    }

    /// For `$tag$` or `$$` at `start` (not inside an identifier), the index after the opening tag.
    private static func dollarQuoteTagEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        if start > 0, isIdentifierByte(bytes[start - 1]) { return nil }
        var index = start + 1
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "$") { return index + 1 }
        guard isIdentifierStart(bytes[index]) else { return nil }
        while index < bytes.count, isIdentifierByte(bytes[index]), bytes[index] != UInt8(ascii: "$") { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "$") else { return nil }
        return index + 1
    }

    private static func dollarQuotedEnd(_ bytes: [UInt8], tag: ArraySlice<UInt8>, from start: Int) -> Int {
        var index = start
        while index + tag.count <= bytes.count {
            if bytes[index..<(index + tag.count)].elementsEqual(tag) { return index + tag.count }
            index += 1
        }
        return bytes.count
    }

    /// A `$N` placeholder at `start`: its number and the index after it.
    private static func placeholder(in bytes: [UInt8], at start: Int) -> (Int, Int)? {
        guard bytes[start] == UInt8(ascii: "$"), start + 1 < bytes.count, isDigit(bytes[start + 1]),
            start == 0 || !isIdentifierByte(bytes[start - 1])
        else { return nil }
        var end = start + 1
        var number = 0
        while end < bytes.count, isDigit(bytes[end]) {
            number = min(number * 10 + Int(bytes[end] - UInt8(ascii: "0")), 1_000_000)
            end += 1
        }
        return (number, end)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || byte >= 0x80
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || isDigit(byte) || byte == UInt8(ascii: "$")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
