import Foundation
import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

extension UNLocode {
    /// Whether `text` is a UN/LOCODE as Stats keeps it: already canonical (upper case, no separators), by the shared
    /// rule.
    static func isValid(_ text: Substring) -> Bool {
        (try? normalize(String(text))) == String(text)
    }

    /// `text` when it is a canonical UN/LOCODE; INVALID_ARGUMENT naming `field` otherwise.
    static func check(_ text: String, field: String) throws -> String {
        guard isValid(Substring(text)) else {
            throw APIError.invalidArgument(
                field: field, "\"\(text)\" is not a UN/LOCODE (2 letters + 3 of A–Z, 2–9, upper case, e.g. JPTYO)")
        }
        return text
    }

    /// Whether the code is a Japanese location.
    static func isJapanese(_ code: String) -> Bool { code.hasPrefix("JP") }
}

extension IMOShipNumber {
    /// The normalised "IMO1234567" form ("" stays ""): "IMO" (any case) and 7 digits, nothing else, with the shared
    /// check digit rule; INVALID_ARGUMENT naming `field` when malformed.
    static func check(_ text: String, field: String) throws -> String {
        if text.isEmpty { return "" }
        var body = Substring(text.uppercased())
        if body.hasPrefix("IMO") { body = body.dropFirst(3) }
        guard body.count == 7, body.allSatisfy(\.isASCIIDigitCharacter) else {
            throw APIError.invalidArgument(field: field, "an IMO number is \"IMO\" + 7 digits, e.g. IMO9074729", reason: "IMO_FORMAT")
        }
        switch validate(text) {
        case .valid(let normalized): return normalized
        case .invalid(let violation): throw APIError.invalidArgument(field: field, violation.message, reason: violation.rule)
        }
    }
}

/// Checks of plain fields, each failing with INVALID_ARGUMENT naming the field.
enum Input {
    /// Non-empty after trimming, at most `max` characters.
    static func required(_ text: String, field: String, max: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        return try optional(trimmed, field: field, max: max)
    }

    /// At most `max` characters, trimmed; may be empty.
    static func optional(_ text: String, field: String, max: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= max else {
            throw APIError.invalidArgument(field: field, "at most \(max) characters (got \(trimmed.count))")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw APIError.invalidArgument(field: field, "must not contain control characters")
        }
        return trimmed
    }

    /// A finite number within `range`.
    static func number(_ value: Double, field: String, in range: ClosedRange<Double>) throws -> Double {
        guard value.isFinite, range.contains(value) else {
            throw APIError.invalidArgument(field: field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// An integer within `range`.
    static func integer<T: BinaryInteger>(_ value: T, field: String, in range: ClosedRange<T>) throws -> T {
        guard range.contains(value) else {
            throw APIError.invalidArgument(field: field, "must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
        }
        return value
    }

    /// A known (non-zero) value of a proto enum.
    static func known<E: ProtoEnum>(_ value: E, field: String) throws -> E {
        guard value.rawValue != 0, E.knownValues.contains(value) else {
            throw APIError.invalidArgument(
                field: field, value.rawValue == 0 ? "is required" : "unknown value \(value.rawValue)",
                reason: value.rawValue == 0 ? "REQUIRED_FIELD" : "INVALID_FIELD")
        }
        return value
    }
}

/// A calendar day "YYYY-MM-DD" (proleptic Gregorian, no time zone).
struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigitCharacter) }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= Self.days(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = min(day, Self.days(year: year, month: month))
    }

    /// Parses `text`; INVALID_ARGUMENT naming `field` otherwise.
    static func parse(_ text: String, field: String) throws -> CalendarDate {
        guard let date = CalendarDate(text) else {
            throw APIError.invalidArgument(field: field, "expected a date \"YYYY-MM-DD\" (got \"\(text)\")")
        }
        return date
    }

    /// Today in UTC.
    static func today(now: Int64 = WallClock.nowMicros()) -> CalendarDate {
        // Days since 1970-01-01 → civil date (Howard Hinnant's algorithm).
        let days = Int(now / 86_400_000_000) - (now < 0 && now % 86_400_000_000 != 0 ? 1 : 0)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return CalendarDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    static func days(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The same day `years` later (29 February becomes 28 February in common years).
    func adding(years: Int) -> CalendarDate { CalendarDate(year: year + years, month: month, day: day) }

    /// Whole years from self to `later` (0 when `later` is earlier).
    func wholeYears(until later: CalendarDate) -> Int {
        var years = later.year - year
        if (later.month, later.day) < (month, day) { years -= 1 }
        return max(0, years)
    }

    static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
