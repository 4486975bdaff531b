/// UN number of a dangerous substance: 4 digits, written `UN1203` or `1203`; normalised to the 4 digits.
///
/// Accepted range is 0001–3599 (the assigned numbers run from 0004 to the 35xx block; the range is kept
/// generous so newly assigned numbers pass, while 0000 and 36xx+ are rejected).
public enum UNNumber {
    /// The accepted numeric range.
    public static let range: ClosedRange<Int> = 1...3599

    /// Validates and normalises a UN number.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The 4 digits, or `UN_NUMBER_FORMAT` / `UN_NUMBER_RANGE`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        var bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace.union([0x2D]))
        if bytes.starts(with: [0x55, 0x4E]) { bytes.removeFirst(2) }
        guard bytes.count == 4, bytes.allSatisfy(ASCIIText.isDigit) else {
            throw FieldRuleViolation(
                rule: "UN_NUMBER_FORMAT",
                message: "a UN number is 4 digits, optionally prefixed by UN; got \(ASCIIText.quoted(bytes))")
        }
        let value = bytes.reduce(0) { $0 * 10 + ASCIIText.digitValue($1) }
        guard range.contains(value) else {
            throw FieldRuleViolation(
                rule: "UN_NUMBER_RANGE", message: "UN number \(ASCIIText.string(bytes)) is outside 0001–3599")
        }
        return ASCIIText.string(bytes)
    }
}

/// IMDG Code hazard class or division: 1.1–1.6 (optionally with the compatibility group, e.g. `1.4S`), 2.1–2.3, 3,
/// 4.1–4.3, 5.1–5.2, 6.1–6.2, 7, 8, 9. Normalised upper-case without spaces (`"1.4 s"` → `1.4S`).
///
/// Compatibility groups are those the IMDG Code assigns to each division of class 1:
/// 1.1 A B C D E F G J L; 1.2 B C D E F G H J K L; 1.3 C F G H J K L; 1.4 B C D E F G S; 1.5 D; 1.6 N.
public enum IMDGClass {
    /// Classes and divisions without a compatibility group.
    public static let classes: Set<String> = [
        "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1",
        "6.2", "7", "8", "9",
    ]

    /// Compatibility groups allowed for each division of class 1.
    public static let compatibilityGroups: [String: Set<Character>] = [
        "1.1": ["A", "B", "C", "D", "E", "F", "G", "J", "L"],
        "1.2": ["B", "C", "D", "E", "F", "G", "H", "J", "K", "L"],
        "1.3": ["C", "F", "G", "H", "J", "K", "L"],
        "1.4": ["B", "C", "D", "E", "F", "G", "S"],
        "1.5": ["D"],
        "1.6": ["N"],
    ]

    /// Validates and normalises an IMDG class.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// The normalised class, or `IMDG_CLASS` / `IMDG_COMPATIBILITY_GROUP`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        let bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace)
        let value = ASCIIText.string(bytes)
        if classes.contains(value) { return value }
        if bytes.count == 4, let last = bytes.last, ASCIIText.isUpper(last) {
            let division = ASCIIText.string(bytes.prefix(3))
            if let groups = compatibilityGroups[division] {
                guard groups.contains(Character(Unicode.Scalar(last))) else {
                    let list = groups.sorted().map(String.init).joined(separator: ", ")
                    throw FieldRuleViolation(
                        rule: "IMDG_COMPATIBILITY_GROUP",
                        message:
                            "division \(division) takes compatibility group \(list); got \(Character(Unicode.Scalar(last)))"
                    )
                }
                return value
            }
        }
        throw FieldRuleViolation(
            rule: "IMDG_CLASS",
            message:
                "not an IMDG class: \(ASCIIText.quoted(bytes)) (1.1–1.6 with optional group, 2.1–2.3, 3, 4.1–4.3, 5.1–5.2, 6.1–6.2, 7, 8, 9)"
        )
    }
}

/// Packing group of dangerous goods: `I`, `II` or `III` (great, medium, minor danger).
/// Also accepts `1`, `2`, `3` and a `PG` prefix; normalised to the Roman numeral.
public enum PackingGroup {
    /// Validates and normalises a packing group.
    public static func validate(_ text: String) -> ValidationResult {
        ValidationResult { () throws(FieldRuleViolation) in try normalize(text) }
    }

    /// `I`, `II` or `III`, or `PACKING_GROUP`.
    public static func normalize(_ text: String) throws(FieldRuleViolation) -> String {
        var bytes = ASCIIText.fold(text, removing: ASCIIText.whitespace)
        if bytes.starts(with: [0x50, 0x47]) { bytes.removeFirst(2) }
        switch ASCIIText.string(bytes) {
        case "I", "1": return "I"
        case "II", "2": return "II"
        case "III", "3": return "III"
        default:
            throw FieldRuleViolation(
                rule: "PACKING_GROUP", message: "packing group must be I, II or III; got \(ASCIIText.quoted(bytes))")
        }
    }
}
