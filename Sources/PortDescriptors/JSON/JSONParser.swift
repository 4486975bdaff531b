/// A strict RFC 8259 JSON parser: no comments, no trailing commas, no leading zeros or `+` signs, no control
/// characters or lone surrogates in strings, no duplicate object keys, nothing but whitespace after the value.
/// Nesting deeper than ``maxDepth`` arrays and objects is rejected. Errors carry a 1-based line and column.
public struct JSONParser: Sendable {
    /// The nesting limit used when none is given.
    public static let defaultMaxDepth = 100

    /// The maximum number of nested arrays and objects.
    public var maxDepth: Int

    public init(maxDepth: Int = JSONParser.defaultMaxDepth) {
        self.maxDepth = maxDepth
    }

    /// Parses one JSON value from UTF-8 text.
    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    /// Parses one JSON value from UTF-8 bytes.
    public func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
        scanner.skipWhitespace()
        guard !scanner.isAtEnd else { throw scanner.error("expected a JSON value but the input is empty") }
        let value = try scanner.parseValue()
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.error("unexpected \(scanner.describeNext()) after the JSON value") }
        return value
    }

    /// Parses a sequence of JSON values separated by whitespace, such as newline-delimited JSON. Empty input gives
    /// an empty array.
    public func parseSequence(_ bytes: [UInt8]) throws(JSONParseError) -> [JSONValue] {
        var scanner = JSONScanner(bytes: bytes, maxDepth: maxDepth)
        var values: [JSONValue] = []
        scanner.skipWhitespace()
        while !scanner.isAtEnd {
            values.append(try scanner.parseValue())
            let before = scanner.offset
            scanner.skipWhitespace()
            if !scanner.isAtEnd && scanner.offset == before && !scanner.previousEndsValueUnambiguously {
                throw scanner.error("expected whitespace between JSON values")
            }
        }
        return values
    }

    /// Parses a sequence of JSON values separated by whitespace from UTF-8 text.
    public func parseSequence(_ text: String) throws(JSONParseError) -> [JSONValue] {
        try parseSequence(Array(text.utf8))
    }
}

extension JSONValue {
    /// Parses JSON text with the default nesting limit.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser().parse(text)
    }
}

/// Why text is not valid JSON, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// 0-based byte offset.
    public var offset: Int
    public var message: String

    public init(line: Int, column: Int, offset: Int, message: String) {
        self.line = line
        self.column = column
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at line \(line), column \(column): \(message)" }
}

/// The cursor over the bytes being parsed.
struct JSONScanner {
    let bytes: [UInt8]
    let maxDepth: Int
    var offset = 0
    var depth = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var isAtEnd: Bool { offset >= bytes.count }

    /// Whether the byte before the cursor closes a value by itself (`}`, `]`, `"`), so that another value may follow
    /// without whitespace in a sequence.
    var previousEndsValueUnambiguously: Bool {
        guard offset > 0 else { return true }
        let b = bytes[offset - 1]
        return b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == UInt8(ascii: "\"")
    }

    mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    func error(_ message: String, at position: Int? = nil) -> JSONParseError {
        let position = min(position ?? offset, bytes.count)
        var line = 1
        var lineStart = 0
        for i in 0..<position where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<position where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return JSONParseError(line: line, column: column, offset: position, message: message)
    }

    /// A description of the next character for error messages.
    func describeNext() -> String {
        guard offset < bytes.count else { return "end of input" }
        let b = bytes[offset]
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard offset < bytes.count else { throw error("expected a JSON value but found end of input") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("expected a JSON value but found \(describeNext())")
        }
    }

    private mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let start = offset
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { buffer in
            bytes.count - offset >= count && (0..<count).allSatisfy { bytes[offset + $0] == buffer[$0] }
        }
        guard matches else { throw error("invalid literal; expected '\(word)'", at: start) }
        offset += count
        if offset < bytes.count, isIdentifierByte(bytes[offset]) {
            throw error("invalid literal; expected '\(word)'", at: start)
        }
    }

    private func isIdentifierByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
            || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
    }

    private mutating func enterContainer() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error("nesting is deeper than the limit of \(maxDepth)") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        offset += 1
        var object = JSONObject()
        var seen: Set<String> = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw error("expected a string key in object but found \(describeNext())")
            }
            let keyStart = offset
            let key = try parseString()
            guard seen.insert(key).inserted else { throw error("duplicate key \"\(key)\" in object", at: keyStart) }
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key but found \(describeNext())")
            }
            offset += 1
            skipWhitespace()
            object.append(key, try parseValue())
            skipWhitespace()
            guard offset < bytes.count else { throw error("unterminated object; expected ',' or '}'") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                depth -= 1
                return .object(object)
            }
            throw error("expected ',' or '}' in object but found \(describeNext())")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterContainer()
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard offset < bytes.count else { throw error("unterminated array; expected ',' or ']'") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                depth -= 1
                return .array(elements)
            }
            throw error("expected ',' or ']' in array but found \(describeNext())")
        }
    }

    mutating func parseNumber() throws(JSONParseError) -> String {
        let start = offset
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit in number") }
        if bytes[offset] == UInt8(ascii: "0") {
            offset += 1
            if offset < bytes.count, isDigit(bytes[offset]) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit after '.'") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw error("expected a digit in exponent") }
            while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
        }
        if offset < bytes.count, isIdentifierByte(bytes[offset]) || bytes[offset] == UInt8(ascii: ".") {
            throw error("invalid character \(describeNext()) in number")
        }
        return String(decoding: bytes[start..<offset], as: UTF8.self)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// Parses a string starting at the opening quote.
    mutating func parseString() throws(JSONParseError) -> String {
        let start = offset
        offset += 1
        var buffer: [UInt8] = []
        while true {
            guard offset < bytes.count else { throw error("unterminated string", at: start) }
            let b = bytes[offset]
            if b == UInt8(ascii: "\"") {
                offset += 1
                break
            }
            if b < 0x20 { throw error("control character 0x\(String(b, radix: 16)) must be escaped in a string") }
            if b == UInt8(ascii: "\\") {
                try parseEscape(into: &buffer)
            } else {
                buffer.append(b)
                offset += 1
            }
        }
        guard let text = String(validating: buffer, as: UTF8.self) else {
            throw error("string is not valid UTF-8", at: start)
        }
        return text
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(JSONParseError) {
        let escapeStart = offset
        offset += 1
        guard offset < bytes.count else { throw error("unterminated escape sequence", at: escapeStart) }
        let c = bytes[offset]
        offset += 1
        switch c {
        case UInt8(ascii: "\""): buffer.append(0x22)
        case UInt8(ascii: "\\"): buffer.append(0x5C)
        case UInt8(ascii: "/"): buffer.append(0x2F)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try parseHex4(escapeStart))
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - offset >= 2, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else {
                    throw error("high surrogate \\u\(hex(scalar)) is not followed by a low surrogate", at: escapeStart)
                }
                offset += 2
                let low = UInt32(try parseHex4(escapeStart))
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("high surrogate \\u\(hex(scalar)) is not followed by a low surrogate", at: escapeStart)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw error("lone low surrogate \\u\(hex(scalar))", at: escapeStart)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape", at: escapeStart) }
            buffer.append(contentsOf: String(Character(unicode)).utf8)
        default:
            throw error("invalid escape sequence '\\\(Character(Unicode.Scalar(c)))'", at: escapeStart)
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private mutating func parseHex4(_ escapeStart: Int) throws(JSONParseError) -> UInt16 {
        guard bytes.count - offset >= 4 else { throw error("\\u must be followed by four hex digits", at: escapeStart) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let b = bytes[offset]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("\\u must be followed by four hex digits", at: escapeStart)
            }
            value = value << 4 | UInt16(digit)
            offset += 1
        }
        return value
    }
}
