/// Container seal numbers: at most 6 per container, each 1–15 letters or digits (upper-cased, surrounding blanks
/// trimmed; inner spaces and punctuation are rejected).
public enum SealNumbers {
    /// Most seals one container record carries.
    public static let maximumCount = 6
    /// Longest seal number.
    public static let maximumLength = 15

    /// Validates and normalises one seal number.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// Validates a container's seal list; the result is the normalised list, in order.
    public static func validate(_ seals: [String]) -> Result<[String], FieldRuleViolation> {
        Result { () throws(FieldRuleViolation) in try normalize(seals) }
    }

    /// The normalised seal, or `SEAL_FORMAT`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.trimmed(text)
        guard (1...maximumLength).contains(bytes.count), bytes.allSatisfy(ASCIIText.isAlphanumeric) else {
            throw FieldRuleViolation(
                rule: "SEAL_FORMAT",
                message: "a seal number is 1–\(maximumLength) letters or digits; got \(ASCIIText.quoted(bytes))")
        }
        return ASCIIText.string(bytes)
    }

    /// The normalised seals, or `SEAL_COUNT` / `SEAL_FORMAT` (the message names the 1-based position).
    public static func normalize(_ seals: [String]) throws(FieldRuleViolation) -> [String] {
        guard seals.count <= maximumCount else {
            throw FieldRuleViolation(
                rule: "SEAL_COUNT", message: "at most \(maximumCount) seals per container; got \(seals.count)")
        }
        var result: [String] = []
        for (index, seal) in seals.enumerated() {
            do throws(FieldRuleViolation) {
                result.append(try normalize(seal))
            } catch {
                throw FieldRuleViolation(rule: error.rule, message: "seal \(index + 1): \(error.message)")
            }
        }
        return result
    }
}
