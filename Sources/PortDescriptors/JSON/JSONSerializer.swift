/// Writes ``JSONValue`` trees as UTF-8 JSON text, either compact (no whitespace) or pretty (two-space indentation,
/// one member or element per line). Strings are escaped as RFC 8259 requires; non-ASCII text is written as UTF-8.
public struct JSONSerializer: Sendable {
    /// The layout of the output.
    public enum Style: Sendable, Hashable {
        /// Everything on one line, no spaces.
        case compact
        /// Indented by `indent` spaces per level, `"key": value`.
        case pretty(indent: Int)

        /// Two-space indentation.
        public static var pretty: Style { .pretty(indent: 2) }
    }

    public var style: Style

    public init(style: Style = .compact) {
        self.style = style
    }

    /// The JSON text of a value.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// The JSON text of a value as UTF-8 bytes.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        write(value, level: 0, to: &out)
        return out
    }

    private func write(_ value: JSONValue, level: Int, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): JSONSerializer.writeString(s, to: &out)
        case .array(let elements):
            guard !elements.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1, &out)
                write(element, level: level + 1, to: &out)
            }
            newline(level, &out)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1, &out)
                JSONSerializer.writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                if case .pretty = style { out.append(UInt8(ascii: " ")) }
                write(member.value, level: level + 1, to: &out)
            }
            newline(level, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    private func newline(_ level: Int, _ out: inout [UInt8]) {
        guard case .pretty(let indent) = style else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Writes a quoted, escaped JSON string.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20, 0x7F:
                out.append(contentsOf: "\\u00".utf8)
                out.append(hexDigits[Int(b >> 4)])
                out.append(hexDigits[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Compact JSON text.
    public var compactText: String { JSONSerializer(style: .compact).string(self) }

    /// Pretty JSON text with two-space indentation.
    public var prettyText: String { JSONSerializer(style: .pretty).string(self) }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { compactText }
}
