/// Commodity code for declarations: the 9-digit Japanese statistical code (統計品目番号 = 6-digit HS + 3-digit national
/// subdivision, `000` when none), or a plain 6-digit HS subheading where the field allows it.
///
/// Dots, spaces and hyphens are removed (`"8471.30.000"` → `847130000`). The chapter (first two digits) must be
/// 01–97 and not 77 (reserved in the Harmonized System).
public enum HSCode {
    /// Which lengths a field accepts.
    public enum Length: Hashable, Sendable {
        /// Only the 9-digit statistical code (declarations).
        case statistical
        /// Only a 6-digit HS subheading.
        case hs6
        /// Either 6 or 9 digits.
        case hs6OrStatistical
    }

    /// Validates and normalises a commodity code.
    public static func validate(_ text: String, length: Length = .statistical) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text, length: length) }
    }

    /// The digits, or `HS_FORMAT` / `HS_LENGTH` / `HS_CHAPTER`.
    public static func normalize(_ text: String, length: Length = .statistical) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace.union([0x2E, 0x2D]))
        guard !bytes.isEmpty, bytes.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "HS_FORMAT",
                message: "a commodity code has digits only (dots allowed); got \(ASCIIText.quoted(bytes))")
        }
        let allowed: [Int] =
            switch length {
            case .statistical: [9]
            case .hs6: [6]
            case .hs6OrStatistical: [6, 9]
            }
        guard allowed.contains(bytes.count) else {
            let wanted =
                switch length {
                case .statistical: "9 digits (統計品目番号)"
                case .hs6: "6 digits (HS subheading)"
                case .hs6OrStatistical: "6 digits (HS) or 9 digits (統計品目番号)"
                }
            throw FieldRuleViolation(
                rule: "HS_LENGTH", message: "the commodity code must have \(wanted); got \(bytes.count)")
        }
        let chapter = ASCIIText.digitValue(bytes[0]) * 10 + ASCIIText.digitValue(bytes[1])
        guard (1...97).contains(chapter), chapter != 77 else {
            throw FieldRuleViolation(
                rule: "HS_CHAPTER",
                message: "HS chapter \(ASCIIText.string(bytes[0..<2])) does not exist (01–97, 77 reserved)")
        }
        return ASCIIText.string(bytes)
    }
}
