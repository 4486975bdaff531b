/// The class of a processing-result code: the letter its error code starts with (cyberport-reference.md 2.4).
public enum NaccsResultClass: String, Sendable, Hashable, CaseIterable {
    /// System and common errors: header, credentials, length, center busy.
    case system = "A"
    /// The user's qualification for the business code.
    case userQualification = "U"
    /// A single item fails its own check (required, characters, format, range).
    case singleItem = "S"
    /// Items contradict each other.
    case itemRelation = "R"
    /// A business condition is not met (unknown number, wrong state, bad body structure).
    case businessCondition = "E"
    /// A warning: processed, but look at this.
    case warning = "W"
    /// An instruction message: processed, with an instruction to the user.
    case instruction = "M"
    /// A logic error inside the center.
    case logic = "L"

    /// What the class means, in a few words.
    public var meaning: String {
        switch self {
        case .system: return "system/common error (header, credentials, length, center busy)"
        case .userQualification: return "user qualification error"
        case .singleItem: return "single-item check error"
        case .itemRelation: return "inter-item relation error"
        case .businessCondition: return "business condition error"
        case .warning: return "warning (processed)"
        case .instruction: return "instruction message (processed)"
        case .logic: return "logic error"
        }
    }

    /// Whether a code of this class means the input was not processed (W and M are informational).
    public var isError: Bool { self != .warning && self != .instruction }
}
