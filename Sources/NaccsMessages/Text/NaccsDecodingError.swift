/// Why bytes received from outside are not a well-formed NACCS message or body. `offset` is the byte offset from the
/// start of the message (or of the body when a body is decoded on its own); `field` names the header field or item.
public struct NaccsDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Sendable, Hashable {
        /// Fewer bytes than the structure needs.
        case truncated(needed: Int, available: Int)
        /// More bytes than NACCS accepts or the layout has.
        case tooLong(maximum: Int)
        /// A CR LF was expected here.
        case missingLineBreak
        /// A byte outside the field's character set (or a bare CR/LF, or a non-ASCII byte).
        case invalidCharacter(byte: UInt8, characterSet: NaccsCharacterSet?)
        /// A reserved field is not blank.
        case reservedNotBlank
        /// A field that must hold a value is blank.
        case blank
        /// The header's message length disagrees with the bytes received.
        case lengthMismatch(declared: Int, actual: Int)
        /// A code outside its set (message kind, final flag, result code format).
        case invalidCode(String)
        /// A body line is wider than its item.
        case lineTooLong(width: Int, length: Int)
        /// The body has more lines than its layout.
        case extraLines(expected: Int)
    }

    public let offset: Int
    public let field: String
    public let reason: Reason

    public init(offset: Int, field: String, reason: Reason) {
        self.offset = offset
        self.field = field
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .truncated(let needed, let available): what = "truncated: needs \(needed) bytes, \(available) available"
        case .tooLong(let maximum): what = "too long: at most \(maximum) bytes"
        case .missingLineBreak: what = "CR LF expected"
        case .invalidCharacter(let byte, let set):
            what = "byte 0x\(String(byte, radix: 16)) not allowed" + (set.map { " (allowed: \($0))" } ?? "")
        case .reservedNotBlank: what = "reserved field is not blank"
        case .blank: what = "must not be blank"
        case .lengthMismatch(let declared, let actual):
            what = "message length field says \(declared), \(actual) bytes received"
        case .invalidCode(let code): what = "invalid code \(code)"
        case .lineTooLong(let width, let length): what = "line of \(length) bytes, item width \(width)"
        case .extraLines(let expected): what = "more lines than the \(expected) of the layout"
        }
        return "\(field) at offset \(offset): \(what)"
    }
}
