/// The characters a NACCS EDI field may hold. NACCS EDI messages are single-byte (JIS X 0201 Roman, which agrees with
/// ASCII except at 0x5C, yen sign, and 0x7E, overline); this implementation carries no double-byte (kanji) items, so
/// every message is printable ASCII plus CR LF delimiters. What each set enforces:
///
/// | Set | Bytes accepted |
/// |---|---|
/// | `numeric` | `0`–`9` |
/// | `decimal` | `0`–`9` and `.` (at most one point is checked per item, not here) |
/// | `alphanumeric` | `A`–`Z`, `0`–`9`, space, `-`, `.`, `/` (codes, numbers, keys: upper case only) |
/// | `text` | printable ASCII 0x20–0x7E except `\` (0x5C) and `~` (0x7E), whose JIS X 0201 meaning differs |
/// | `password` | `A`–`Z`, `a`–`z`, `0`–`9` |
///
/// Fields are left-justified and padded with spaces to their width; padding is not part of the value, so a value never
/// ends in a space and a `numeric` value never contains one.
public enum NaccsCharacterSet: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case numeric
    case decimal
    case alphanumeric
    case text
    case password

    /// Whether `byte` may appear inside a value of this set.
    public func allows(_ byte: UInt8) -> Bool {
        switch self {
        case .numeric: return byte >= 0x30 && byte <= 0x39
        case .decimal: return (byte >= 0x30 && byte <= 0x39) || byte == 0x2E
        case .alphanumeric:
            return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x20 || byte == 0x2D
                || byte == 0x2E || byte == 0x2F
        case .text: return byte >= 0x20 && byte <= 0x7D && byte != 0x5C
        case .password:
            return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }
    }

    /// A short human description, used in error messages.
    public var description: String {
        switch self {
        case .numeric: return "digits 0-9"
        case .decimal: return "digits 0-9 and '.'"
        case .alphanumeric: return "upper-case letters A-Z, digits, space, '-', '.', '/'"
        case .text: return "printable ASCII except '\\' and '~'"
        case .password: return "letters A-Z, a-z and digits"
        }
    }

    /// Whether every byte a NACCS message may carry outside CR LF: printable ASCII 0x20–0x7E.
    static func isPrintable(_ byte: UInt8) -> Bool { byte >= 0x20 && byte <= 0x7E }
}
