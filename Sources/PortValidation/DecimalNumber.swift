/// Cyber Port `Number(p,s)`: a decimal of at most `p` significant digits of which `s` after the point, i.e. at most
/// `p − s` digits before the point and `s` after (e.g. `amountForeign` is Number(12,3)).
///
/// Parsed as text — no floating point — and normalised: surrounding blanks trimmed, `+` dropped, leading zeros of the
/// integer part and trailing zeros of the fraction removed (`"+007.500"` → `7.5`, `"-0.0"` → `0`). Digit counts are
/// taken after that, so `"0012.5000"` fits Number(4,1). Thousands separators and exponents are rejected.
public enum DecimalNumber {
    /// Validates and normalises a Number(precision, scale); `signed` allows a leading minus.
    public static func validate(_ text: String, precision: Int, scale: Int, signed: Bool = false) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in
            try normalize(text, precision: precision, scale: scale, signed: signed)
        }
    }

    /// The normalised decimal text, or `NUMBER_FORMAT` / `NUMBER_SIGN` / `NUMBER_PRECISION` / `NUMBER_SCALE`
    /// (`NUMBER_DEFINITION` when `precision`/`scale` themselves are malformed).
    public static func normalize(_ text: String, precision: Int, scale: Int, signed: Bool = false)
        throws(FieldRuleViolation) -> String
    {
        guard precision > 0, scale >= 0, scale <= precision else {
            throw FieldRuleViolation(
                rule: "NUMBER_DEFINITION", message: "Number(\(precision),\(scale)) is not a valid field definition")
        }
        var bytes = ArraySlice(ASCIIText.trimmed(text))
        var negative = false
        if let first = bytes.first, first == 0x2B || first == 0x2D {
            negative = first == 0x2D
            bytes = bytes.dropFirst()
        }
        let point = bytes.firstIndex(of: 0x2E)
        let integerPart = point.map { bytes[..<$0] } ?? bytes
        let fractionPart = point.map { bytes[($0 + 1)...] } ?? []
        guard integerPart.count + fractionPart.count > 0,
            integerPart.allSatisfy(ASCIIText.isDigit), fractionPart.allSatisfy(ASCIIText.isDigit)
        else {
            throw FieldRuleViolation(
                rule: "NUMBER_FORMAT",
                message:
                    "not a decimal number: \(ASCIIText.quoted(ASCIIText.trimmed(text))) (digits with an optional point, no separators)"
            )
        }
        let integerDigits = integerPart.drop { $0 == 0x30 }
        var fractionDigits = fractionPart
        while fractionDigits.last == 0x30 { fractionDigits = fractionDigits.dropLast() }
        let isZero = integerDigits.isEmpty && fractionDigits.isEmpty
        if negative, !signed, !isZero {
            throw FieldRuleViolation(rule: "NUMBER_SIGN", message: "negative values are not allowed here")
        }
        if integerDigits.count > precision - scale {
            throw FieldRuleViolation(rule: "NUMBER_PRECISION", message: limits(precision: precision, scale: scale))
        }
        if fractionDigits.count > scale {
            throw FieldRuleViolation(rule: "NUMBER_SCALE", message: limits(precision: precision, scale: scale))
        }
        var result = (negative && !isZero ? "-" : "") + (integerDigits.isEmpty ? "0" : ASCIIText.string(integerDigits))
        if !fractionDigits.isEmpty { result += "." + ASCIIText.string(fractionDigits) }
        return result
    }

    /// "at most 10 digits before the point and 3 after" / "a whole number of at most 12 digits".
    static func limits(precision: Int, scale: Int) -> String {
        scale == 0
            ? "a whole number of at most \(precision) digits"
            : "at most \(precision - scale) digits before the point and \(scale) after"
    }
}

/// A whole number within an inclusive range, e.g. a quantity 1…999999. Blanks trimmed, `+` and leading zeros dropped.
public enum IntegerValue {
    /// Validates and normalises an integer in `range`.
    public static func validate(_ text: String, range: ClosedRange<Int>) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text, range: range) }
    }

    /// The canonical decimal text, or `INTEGER_FORMAT` / `INTEGER_RANGE`.
    public static func normalize(_ text: String, range: ClosedRange<Int>) throws(FieldRuleViolation) -> String {
        var bytes = ArraySlice(ASCIIText.trimmed(text))
        var negative = false
        if let first = bytes.first, first == 0x2B || first == 0x2D {
            negative = first == 0x2D
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "INTEGER_FORMAT", message: "not a whole number: \(ASCIIText.quoted(ASCIIText.trimmed(text)))")
        }
        let outOfRange = FieldRuleViolation(
            rule: "INTEGER_RANGE", message: "must be between \(range.lowerBound) and \(range.upperBound)")
        var value = 0
        for byte in bytes {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let digit = ASCIIText.digitValue(byte)
            let (next, o2) =
                negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 { throw outOfRange }
            value = next
        }
        guard range.contains(value) else { throw outOfRange }
        return String(value)
    }
}
