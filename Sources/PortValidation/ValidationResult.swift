/// Why a field value was rejected: a short, stable rule id (e.g. `ISO6346_CHECK_DIGIT`) for machines and a
/// human-readable message for people. A form-field update turns it into INVALID_ARGUMENT naming form, field and rule.
public struct FieldRuleViolation: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable upper-snake-case rule id, e.g. `NUMBER_PRECISION`.
    public let rule: String
    /// Human-readable explanation, e.g. "at most 10 digits before the point and 3 after".
    public let message: String

    public init(rule: String, message: String) {
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(rule): \(message)" }
}

/// The outcome of validating one field value: the normalised text to store, or the violated rule.
public enum ValidationResult: Hashable, Sendable {
    /// The value is acceptable; `normalized` is its canonical text (upper-cased, separators removed, …).
    case valid(normalized: String)
    /// The value breaks a rule.
    case invalid(FieldRuleViolation)

    /// Runs a normalising validator, capturing its violation.
    public init(_ body: () throws(FieldRuleViolation) -> String) {
        do throws(FieldRuleViolation) {
            self = .valid(normalized: try body())
        } catch {
            self = .invalid(error)
        }
    }

    /// True for `.valid`.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// The normalised value, or nil when invalid.
    public var normalized: String? {
        if case .valid(let normalized) = self { return normalized }
        return nil
    }

    /// The violation, or nil when valid.
    public var violation: FieldRuleViolation? {
        if case .invalid(let violation) = self { return violation }
        return nil
    }

    /// The normalised value, or throws the violation.
    public func get() throws(FieldRuleViolation) -> String {
        switch self {
        case .valid(let normalized): return normalized
        case .invalid(let violation): throw violation
        }
    }
}
