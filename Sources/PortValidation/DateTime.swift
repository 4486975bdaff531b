/// A calendar date, `YYYY-MM-DD` (ISO 8601) or NACCS-style `YYYYMMDD`; normalised to `YYYY-MM-DD`.
///
/// The day must exist in the proleptic Gregorian calendar (leap years: divisible by 4, except centuries not
/// divisible by 400), years 0001–9999. Also accepts `/` as the separator (`2024/02/29`).
public enum CalendarDate {
    /// Validates and normalises a date.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// `YYYY-MM-DD`, or `DATE_FORMAT` / `DATE_CALENDAR`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.trimmed(text)
        let digits: [UInt8]
        if bytes.count == 8 {
            digits = bytes
        } else if bytes.count == 10, bytes[4] == bytes[7], bytes[4] == 0x2D || bytes[4] == 0x2F {
            digits = Array(bytes[0..<4] + bytes[5..<7] + bytes[8..<10])
        } else {
            digits = []
        }
        guard digits.count == 8, digits.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "DATE_FORMAT", message: "a date is YYYY-MM-DD or YYYYMMDD; got \(ASCIIText.quoted(bytes))")
        }
        func number(_ range: Range<Int>) -> Int { digits[range].reduce(0) { $0 * 10 + ASCIIText.digitValue($1) } }
        let year = number(0..<4)
        let month = number(4..<6)
        let day = number(6..<8)
        let formatted =
            ASCIIText.string(digits[0..<4]) + "-" + ASCIIText.string(digits[4..<6]) + "-"
            + ASCIIText.string(digits[6..<8])
        guard year >= 1, (1...12).contains(month) else {
            throw FieldRuleViolation(rule: "DATE_CALENDAR", message: "\(formatted) is not a calendar date")
        }
        let length = daysIn(month: month, year: year)
        guard (1...length).contains(day) else {
            throw FieldRuleViolation(
                rule: "DATE_CALENDAR",
                message: "\(formatted) is not a calendar date (that month has \(length) days)")
        }
        return formatted
    }

    /// True for Gregorian leap years.
    public static func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    /// Days in a month (1–12) of a year.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// A time of day as `HHMM`, 0000–2359 (e.g. UL090 `containerDeliveryTime`). `HH:MM` is accepted and normalised.
public enum TimeOfDay {
    /// Validates and normalises a time.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// `HHMM`, or `TIME_FORMAT` / `TIME_RANGE`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        var bytes = ASCIIText.trimmed(text)
        if bytes.count == 5, bytes[2] == 0x3A { bytes.remove(at: 2) }
        guard bytes.count == 4, bytes.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "TIME_FORMAT", message: "a time is HHMM (4 digits); got \(ASCIIText.quoted(bytes))")
        }
        let hour = ASCIIText.digitValue(bytes[0]) * 10 + ASCIIText.digitValue(bytes[1])
        let minute = ASCIIText.digitValue(bytes[2]) * 10 + ASCIIText.digitValue(bytes[3])
        guard hour < 24, minute < 60 else {
            throw FieldRuleViolation(
                rule: "TIME_RANGE", message: "\(ASCIIText.string(bytes)) is not a time of day (0000–2359)")
        }
        return ASCIIText.string(bytes)
    }
}
