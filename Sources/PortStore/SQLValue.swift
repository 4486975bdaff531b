import Foundation

/// A value bound to a `$N` placeholder or read from a result column.
///
/// Binding is the same on both backends: `.int` is a 64-bit integer (BIGINT), `.double` a DOUBLE PRECISION (NaN is
/// rejected: SQLite cannot store it), `.text` UTF-8 text (without NUL characters: PostgreSQL cannot store them),
/// `.bool` a BOOLEAN (stored as 0/1 by SQLite), `.bytes` a BYTEA/BLOB. Timestamps are BIGINT microseconds since the
/// Unix epoch: use `SQLValue.timestamp(_:)` and `SQLRow.timestamp(_:)`.
///
/// Literals and optionals: `"abc"`, `42`, `1.5`, `true` and `nil` are values; `.text(optionalString)`,
/// `.int(optionalInt)` … (and `SQLValue(optional)`) give `.null` for `nil`.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case bool(Bool)
    case bytes([UInt8])

    /// True for `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

// MARK: - Optionals and other integer widths

extension SQLValue {
    /// `.text(value)`, or `.null` when `value` is nil.
    public static func text(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    /// `.int(value)`, or `.null` when `value` is nil.
    public static func int(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
    /// `.int(Int64(value))`, or `.null` when `value` is nil.
    public static func int(_ value: Int?) -> SQLValue { value.map { .int(Int64($0)) } ?? .null }
    /// `.double(value)`, or `.null` when `value` is nil.
    public static func double(_ value: Double?) -> SQLValue { value.map { .double($0) } ?? .null }
    /// `.bool(value)`, or `.null` when `value` is nil.
    public static func bool(_ value: Bool?) -> SQLValue { value.map { .bool($0) } ?? .null }
    /// `.bytes(value)`, or `.null` when `value` is nil.
    public static func bytes(_ value: [UInt8]?) -> SQLValue { value.map { .bytes($0) } ?? .null }

    /// A timestamp: `.int` microseconds since 1970-01-01T00:00:00Z, or `.null` when `date` is nil.
    public static func timestamp(_ date: Date?) -> SQLValue {
        date.map { .int($0.microsecondsSince1970) } ?? .null
    }

    public init(_ value: String?) { self = .text(value) }
    public init(_ value: Int64?) { self = .int(value) }
    public init(_ value: Int?) { self = .int(value) }
    public init(_ value: Double?) { self = .double(value) }
    public init(_ value: Bool?) { self = .bool(value) }
    public init(_ value: [UInt8]?) { self = .bytes(value) }
}

// MARK: - Literals

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension SQLValue: CustomStringConvertible {
    /// A short rendering for diagnostics: the type and, for text and bytes, only the length (values may be secrets).
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .int(let value): return "int(\(value))"
        case .double(let value): return "double(\(value))"
        case .text(let value): return "text(\(value.utf8.count) bytes)"
        case .bool(let value): return "bool(\(value))"
        case .bytes(let value): return "bytes(\(value.count))"
        }
    }
}

// MARK: - Timestamps

extension Date {
    /// Microseconds since 1970-01-01T00:00:00Z (rounded), the store's timestamp representation.
    public var microsecondsSince1970: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// The date `microseconds` after 1970-01-01T00:00:00Z.
    public init(microsecondsSince1970 microseconds: Int64) {
        self.init(timeIntervalSince1970: Double(microseconds) / 1_000_000)
    }
}
