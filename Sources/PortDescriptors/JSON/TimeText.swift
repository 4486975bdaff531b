/// The text forms of google.protobuf.Timestamp (RFC 3339, always UTC "Z" on output) and google.protobuf.Duration
/// ("-1.500s"), with fractions of 0, 3, 6 or 9 digits on output and 1 to 9 digits on input.
enum TimeText {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds: the range of Timestamp.
    static let minTimestampSeconds: Int64 = -62_135_596_800
    static let maxTimestampSeconds: Int64 = 253_402_300_799
    /// ±10,000 years: the range of Duration.
    static let maxDurationSeconds: Int64 = 315_576_000_000

    static func formatTimestamp(seconds: Int64, nanos: Int32) -> String? {
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds, nanos >= 0, nanos <= 999_999_999 else {
            return nil
        }
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return text + fraction(nanos) + "Z"
    }

    static func parseTimestamp(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var s = TextCursor(text)
        guard let year = s.digits(4), s.consume("-"), let month = s.digits(2), s.consume("-"), let day = s.digits(2),
            s.consume("T") || s.consume("t"), let hour = s.digits(2), s.consume(":"), let minute = s.digits(2),
            s.consume(":"), let second = s.digits(2)
        else { return nil }
        var nanos: Int32 = 0
        if s.consume(".") {
            guard let n = s.fractionNanos() else { return nil }
            nanos = n
        }
        var offsetSeconds: Int64 = 0
        if s.consume("Z") || s.consume("z") {
        } else if let sign = s.next(), sign == "+" || sign == "-" {
            guard let offsetHours = s.digits(2), s.consume(":"), let offsetMinutes = s.digits(2),
                offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (sign == "-" ? -1 : 1)
        } else {
            return nil
        }
        guard s.isAtEnd, year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = days(fromCivil: year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        guard seconds >= minTimestampSeconds, seconds <= maxTimestampSeconds else { return nil }
        return (seconds, nanos)
    }

    static func formatDuration(seconds: Int64, nanos: Int32) -> String? {
        guard seconds.magnitude <= UInt64(maxDurationSeconds), nanos.magnitude <= 999_999_999,
            seconds == 0 || nanos == 0 || (seconds < 0) == (nanos < 0)
        else { return nil }
        let negative = seconds < 0 || nanos < 0
        return (negative ? "-" : "") + String(seconds.magnitude) + fraction(Int32(nanos.magnitude)) + "s"
    }

    static func parseDuration(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var s = TextCursor(text)
        let negative = s.consume("-")
        guard let whole = s.unboundedDigits(), whole <= maxDurationSeconds else { return nil }
        var nanos: Int32 = 0
        if s.consume(".") {
            guard let n = s.fractionNanos() else { return nil }
            nanos = n
        }
        guard s.consume("s"), s.isAtEnd else { return nil }
        return negative ? (-whole, -nanos) : (whole, nanos)
    }

    /// ".5" style fraction with 3, 6 or 9 digits, or nothing for zero.
    private static func fraction(_ nanos: Int32) -> String {
        guard nanos != 0 else { return "" }
        if nanos % 1_000_000 == 0 { return "." + pad(Int64(nanos / 1_000_000), 3) }
        if nanos % 1_000 == 0 { return "." + pad(Int64(nanos / 1_000), 6) }
        return "." + pad(Int64(nanos), 9)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    private static func isLeap(_ year: Int64) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day number since 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

/// A cursor over ASCII text for the small fixed grammars of timestamps and durations.
private struct TextCursor {
    let bytes: [UInt8]
    var offset = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func next() -> Character? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return Character(Unicode.Scalar(bytes[offset]))
    }

    mutating func consume(_ c: Character) -> Bool {
        guard offset < bytes.count, Character(Unicode.Scalar(bytes[offset])) == c else { return false }
        offset += 1
        return true
    }

    private func digit(at i: Int) -> Int64? {
        guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { return nil }
        return Int64(bytes[i] - UInt8(ascii: "0"))
    }

    /// Exactly `count` digits.
    mutating func digits(_ count: Int) -> Int64? {
        var value: Int64 = 0
        for i in 0..<count {
            guard let d = digit(at: offset + i) else { return nil }
            value = value * 10 + d
        }
        offset += count
        return value
    }

    /// One or more digits, at most 18.
    mutating func unboundedDigits() -> Int64? {
        var value: Int64 = 0
        var count = 0
        while let d = digit(at: offset) {
            guard count < 18 else { return nil }
            value = value * 10 + d
            count += 1
            offset += 1
        }
        return count > 0 ? value : nil
    }

    /// 1 to 9 fraction digits as nanoseconds.
    mutating func fractionNanos() -> Int32? {
        var value: Int32 = 0
        var count = 0
        while let d = digit(at: offset) {
            guard count < 9 else { return nil }
            value = value * 10 + Int32(d)
            count += 1
            offset += 1
        }
        guard count > 0 else { return nil }
        for _ in count..<9 { value *= 10 }
        return value
    }
}
