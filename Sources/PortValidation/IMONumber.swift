/// IMO ship identification number: `IMO` + 7 digits whose last digit is the check digit,
/// e.g. `IMO9074729`.
///
/// Accepted with or without the `IMO` prefix (any case, spaces and hyphens ignored); normalised to `IMO` + 7 digits.
/// Check: digits 1–6 weighted 7, 6, 5, 4, 3, 2; the last digit of the sum is the check digit.
public enum IMOShipNumber {
    /// Validates and normalises an IMO ship number.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The normalised `IMO1234567` form, or `IMO_FORMAT` / `IMO_CHECK_DIGIT`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let digits = try IMODigits.digits(text, rule: "IMO_FORMAT", what: "an IMO ship number")
        let sum = zip(digits.prefix(6), [7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = sum % 10
        guard digits[6] == expected else {
            throw FieldRuleViolation(
                rule: "IMO_CHECK_DIGIT",
                message: "IMO ship number check digit should be \(expected), not \(digits[6])")
        }
        return "IMO" + digits.map(String.init).joined()
    }
}

/// IMO unique company and registered owner identification number: 7 digits, the last a check digit.
///
/// Accepted with or without an `IMO` prefix; normalised to the bare 7 digits.
/// Check: digits 1–6 weighted 8, 6, 4, 2, 9, 7; check = (11 − sum mod 11) mod 10.
public enum IMOCompanyNumber {
    /// Validates and normalises an IMO company number.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The normalised 7 digits, or `IMO_COMPANY_FORMAT` / `IMO_COMPANY_CHECK_DIGIT`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let digits = try IMODigits.digits(text, rule: "IMO_COMPANY_FORMAT", what: "an IMO company number")
        let sum = zip(digits.prefix(6), [8, 6, 4, 2, 9, 7]).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = (11 - sum % 11) % 10
        guard digits[6] == expected else {
            throw FieldRuleViolation(
                rule: "IMO_COMPANY_CHECK_DIGIT",
                message: "IMO company number check digit should be \(expected), not \(digits[6])")
        }
        return digits.map(String.init).joined()
    }
}

/// Shared parsing of the 7 digits of an IMO number with an optional `IMO` prefix.
enum IMODigits {
    static func digits(_ text: String, rule: String, what: String) throws(FieldRuleViolation) -> [Int] {
        var bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace.union([0x2D]))
        if bytes.starts(with: [0x49, 0x4D, 0x4F]) { bytes.removeFirst(3) }
        guard bytes.count == 7, bytes.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: rule, message: "\(what) is 7 digits, optionally prefixed by IMO; got \(ASCIIText.quoted(bytes))")
        }
        return bytes.map(ASCIIText.digitValue)
    }
}
