/// ISO 6346 container (freight container) number: 3-letter owner code, category identifier `U`, `J` or `Z`,
/// 6-digit serial number and a check digit, e.g. `CSQU3054383`.
///
/// Normalisation upper-cases, folds full-width characters and removes spaces and hyphens
/// (`"csqu 305438-3"` → `CSQU3054383`). The check digit is `(Σ value(cᵢ)·2ⁱ mod 11) mod 10` over the first ten
/// characters, where digits count as themselves and letters as A=10, B=12 … Z=38 skipping multiples of 11.
public enum ContainerNumber {
    /// Validates and normalises a container number.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The normalised container number, or the first rule it breaks
    /// (`ISO6346_LENGTH`, `ISO6346_OWNER_CODE`, `ISO6346_CATEGORY`, `ISO6346_SERIAL`, `ISO6346_CHECK_DIGIT`).
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace.union([0x2D]))
        guard bytes.count == 11 else {
            throw FieldRuleViolation(
                rule: "ISO6346_LENGTH",
                message: "a container number has 11 characters (4 letters, 6 digits, check digit); got \(bytes.count)")
        }
        guard bytes[0..<3].allSatisfy(ASCIIText.isUpper) else {
            throw FieldRuleViolation(
                rule: "ISO6346_OWNER_CODE",
                message:
                    "the first 3 characters (owner code) must be letters A–Z; got \(ASCIIText.quoted(bytes[0..<3]))")
        }
        guard bytes[3] == 0x55 || bytes[3] == 0x4A || bytes[3] == 0x5A else {
            throw FieldRuleViolation(
                rule: "ISO6346_CATEGORY",
                message:
                    "the 4th character (equipment category) must be U, J or Z; got \(ASCIIText.quoted(bytes[3...3]))")
        }
        guard bytes[4...].allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "ISO6346_SERIAL",
                message:
                    "characters 5–11 (serial number and check digit) must be digits; got \(ASCIIText.quoted(bytes[4...]))"
            )
        }
        let expected = checkDigit(bytes[0..<10])
        let actual = ASCIIText.digitValue(bytes[10])
        guard expected == actual else {
            throw FieldRuleViolation(
                rule: "ISO6346_CHECK_DIGIT",
                message: "check digit of \(ASCIIText.string(bytes[0..<10])) should be \(expected), not \(actual)")
        }
        return ASCIIText.string(bytes)
    }

    /// The ISO 6346 check digit of the first ten characters (upper-case letters and digits).
    public static func checkDigit(_ prefix: String) -> Int? {
        let bytes = ASCIIText.fold(prefix)
        guard bytes.count == 10, bytes.allSatisfy(ASCIIText.isAlphanumeric) else { return nil }
        return checkDigit(bytes[...])
    }

    static func checkDigit(_ prefix: ArraySlice<UInt8>) -> Int {
        var sum = 0
        for (i, byte) in prefix.enumerated() {
            let value = ASCIIText.isDigit(byte) ? ASCIIText.digitValue(byte) : letterValues[Int(byte - 0x41)]
            sum += value << i
        }
        return sum % 11 % 10
    }

    /// A=10, B=12, …, Z=38: consecutive values from 10 that skip the multiples of 11.
    static let letterValues: [Int] = {
        var values: [Int] = []
        var next = 10
        while values.count < 26 {
            if next % 11 != 0 { values.append(next) }
            next += 1
        }
        return values
    }()
}
