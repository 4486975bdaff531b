/// Why a value could not be fitted into a fixed-width NACCS field or a message could not be encoded. Every case names
/// the field (a header field name such as `userCode`, or an item abbreviation such as `CNO`). Secret fields
/// (the password) are never echoed.
public enum NaccsFittingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The value is longer than the field; NACCS fields are never truncated silently.
    case tooLong(field: String, width: Int, length: Int)
    /// The value holds a character the field's character set does not allow (position 1-based, in bytes).
    case invalidCharacter(field: String, position: Int, characterSet: NaccsCharacterSet)
    /// A value ends in a space or a numeric value contains one: padding is added by the encoder, not given.
    case untrimmed(field: String)
    /// More occurrences than the layout has room for.
    case tooManyOccurrences(field: String, maximum: Int, count: Int)
    /// The layout has no such item.
    case unknownItem(layout: String, item: String)
    /// A number that must fit a fixed count of digits does not (e.g. the split serial, 1–999).
    case outOfRange(field: String, value: Int, range: ClosedRange<Int>)
    /// The whole message would be longer than NACCS accepts (700,000 bytes).
    case messageTooLong(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case .tooLong(let field, let width, let length):
            return "\(field): \(length) bytes do not fit its width of \(width) (NACCS fields are not truncated)"
        case .invalidCharacter(let field, let position, let set):
            return "\(field): character \(position) is not allowed (allowed: \(set))"
        case .untrimmed(let field):
            return "\(field): the value ends in or contains padding spaces"
        case .tooManyOccurrences(let field, let maximum, let count):
            return "\(field): \(count) occurrences, at most \(maximum)"
        case .unknownItem(let layout, let item):
            return "\(item): not an item of \(layout)"
        case .outOfRange(let field, let value, let range):
            return "\(field): \(value) is outside \(range.lowerBound)...\(range.upperBound)"
        case .messageTooLong(let length, let maximum):
            return "message of \(length) bytes exceeds the NACCS maximum of \(maximum)"
        }
    }
}
