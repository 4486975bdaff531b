/// UN/LOCODE (United Nations code for trade and transport locations): ISO 3166-1 alpha-2 country code + 3 characters
/// from A–Z and 2–9, e.g. `JPTYO`. NACCS's "country + `ZZZ`" for places without a code (e.g. `CNZZZ`) fits the pattern.
///
/// Normalisation upper-cases and removes spaces and hyphens (`"jp tyo"` → `JPTYO`). The country part is checked
/// for shape (two letters), not against the ISO 3166 list.
public enum UNLocode {
    /// Validates and normalises a UN/LOCODE.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The normalised 5-character code, or `UNLOCODE_LENGTH` / `UNLOCODE_COUNTRY` / `UNLOCODE_LOCATION`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace.union([0x2D]))
        guard bytes.count == 5 else {
            throw FieldRuleViolation(
                rule: "UNLOCODE_LENGTH", message: "a UN/LOCODE has 5 characters (country + 3); got \(bytes.count)")
        }
        guard bytes[0..<2].allSatisfy(ASCIIText.isUpper) else {
            throw FieldRuleViolation(
                rule: "UNLOCODE_COUNTRY",
                message:
                    "the first 2 characters must be an ISO 3166 country code (letters); got \(ASCIIText.quoted(bytes[0..<2]))"
            )
        }
        guard bytes[2...].allSatisfy({ ASCIIText.isUpper($0) || ($0 >= 0x32 && $0 <= 0x39) }) else {
            throw FieldRuleViolation(
                rule: "UNLOCODE_LOCATION",
                message: "the location part must be 3 characters from A–Z and 2–9; got \(ASCIIText.quoted(bytes[2...]))"
            )
        }
        return ASCIIText.string(bytes)
    }
}
