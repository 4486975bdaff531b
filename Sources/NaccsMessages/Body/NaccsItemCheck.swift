/// A problem `NaccsLayout.check` finds with one occurrence of one item: what NACCS reports as an S-class result code.
public struct NaccsItemProblem: Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Hashable {
        /// A mandatory item is blank.
        case missing
        /// Not `yyyyMMdd` or not a calendar date.
        case invalidDate
        /// Not `HHmm` within 0000–2359.
        case invalidTime
        /// Not digits with at most one inner point.
        case invalidDecimal
        /// Not one of the item's allowed values.
        case notAllowed([String])
    }

    /// The item abbreviation.
    public let item: String
    /// The 1-based occurrence (row of its group).
    public let occurrence: Int
    public let kind: Kind

    public init(item: String, occurrence: Int, kind: Kind) {
        self.item = item
        self.occurrence = occurrence
        self.kind = kind
    }

    public var description: String {
        let what: String
        switch kind {
        case .missing: what = "is required"
        case .invalidDate: what = "is not a date yyyyMMdd"
        case .invalidTime: what = "is not a time HHmm"
        case .invalidDecimal: what = "is not a decimal number"
        case .notAllowed(let values): what = "must be one of \(values.joined(separator: ", "))"
        }
        return "\(item)[\(occurrence)] \(what)"
    }
}

extension NaccsLayout {
    /// The problems of `values` against this layout: mandatory items, and the format of dates, times, decimals and
    /// items with a fixed set of values. Items that are not in the layout are ignored (`encode` refuses them).
    public func check(_ values: NaccsItemValues) -> [NaccsItemProblem] {
        var problems: [NaccsItemProblem] = []
        for group in groups {
            let rows = group.fields.reduce(0) { max($0, values.occurrences($1.item.abbreviation).count) }
            for row in 0..<max(1, rows) {
                for field in group.fields {
                    let item = field.item
                    let value = values[item.abbreviation, row]
                    if value.isEmpty {
                        if field.required { problems.append(.init(item: item.abbreviation, occurrence: row + 1, kind: .missing)) }
                        continue
                    }
                    if let kind = Self.formatProblem(value, item: item) {
                        problems.append(.init(item: item.abbreviation, occurrence: row + 1, kind: kind))
                    }
                }
            }
        }
        return problems
    }

    static func formatProblem(_ value: String, item: NaccsItem) -> NaccsItemProblem.Kind? {
        if let allowed = item.allowedValues, !allowed.contains(value) { return .notAllowed(allowed) }
        switch item.type {
        case .date: return NaccsDate.isValid(value) ? nil : .invalidDate
        case .time: return NaccsDate.isValidTime(value) ? nil : .invalidTime
        case .decimal:
            let parts = value.split(separator: ".", omittingEmptySubsequences: false)
            let valid = parts.count <= 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }
            return valid ? nil : .invalidDecimal
        case .numeric, .alphanumeric, .text: return nil
        }
    }
}

/// Calendar checks for `yyyyMMdd` dates and `HHmm` times, without Foundation.
public enum NaccsDate {
    /// Whether `text` is `yyyyMMdd` naming a real day (Gregorian, years 1900–2999).
    public static func isValid(_ text: String) -> Bool { parts(text) != nil }

    /// (year, month, day) of a valid `yyyyMMdd`.
    public static func parts(_ text: String) -> (year: Int, month: Int, day: Int)? {
        let bytes = Array(text.utf8)
        guard bytes.count == 8, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let digits = bytes.map { Int($0 - 0x30) }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard (1900...2999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month, of: year) else {
            return nil
        }
        return (year, month, day)
    }

    /// Days since 1970-01-01 of a valid `yyyyMMdd` (for range checks such as "at most one year ago").
    public static func dayNumber(_ text: String) -> Int? {
        guard let (year, month, day) = parts(text) else { return nil }
        // Days from civil (proleptic Gregorian), shifted so March is the first month.
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let monthIndex = (month + 9) % 12
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Whether `text` is `HHmm` within 0000–2359.
    public static func isValidTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 4, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        let hour = Int(bytes[0] - 0x30) * 10 + Int(bytes[1] - 0x30)
        let minute = Int(bytes[2] - 0x30) * 10 + Int(bytes[3] - 0x30)
        return hour < 24 && minute < 60
    }

    static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
