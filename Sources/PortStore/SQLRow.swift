import Foundation

/// The column names of a result, shared by all its rows.
final class SQLColumns: Sendable {
    let names: [String]
    /// Name → first index with that name.
    private let exactIndex: [String: Int]
    /// Lower-cased name → first index with that name.
    private let foldedIndex: [String: Int]

    init(names: [String]) {
        self.names = names
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
        for (position, name) in names.enumerated() {
            if exact[name] == nil { exact[name] = position }
            if folded[name.lowercased()] == nil { folded[name.lowercased()] = position }
        }
        exactIndex = exact
        foldedIndex = folded
    }

    func index(of column: String) -> Int? {
        exactIndex[column] ?? foldedIndex[column.lowercased()]
    }
}

/// One result row. Columns are looked up by name, case-insensitively (PostgreSQL folds unquoted names to lower case);
/// with duplicate names (joins) the first wins, so alias them (`SELECT a.id AS a_id, …`).
///
/// The typed accessors read both backends' representations alike: `bool` accepts BOOLEAN and 0/1 integers, `double`
/// accepts integers. They throw `StoreError.decoding` for a missing column, a type mismatch, or NULL (use the
/// `optional…` variants for nullable columns).
public struct SQLRow: Sendable {
    let columns: SQLColumns
    /// The row's values, in column order.
    public let values: [SQLValue]

    init(columns: SQLColumns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The column names, in order.
    public var columnNames: [String] { columns.names }

    /// The raw value of `column`, or nil when the row has no such column.
    public subscript(column: String) -> SQLValue? {
        columns.index(of: column).map { values[$0] }
    }

    /// The raw value of `column`; throws when the row has no such column.
    public func value(_ column: String) throws -> SQLValue {
        guard let position = columns.index(of: column) else {
            throw StoreError.decoding(
                column: column, message: "no such column (columns: \(columns.names.joined(separator: ", ")))")
        }
        return values[position]
    }

    // MARK: Non-optional

    public func int(_ column: String) throws -> Int64 { try required(column, optionalInt(column)) }
    public func double(_ column: String) throws -> Double { try required(column, optionalDouble(column)) }
    public func string(_ column: String) throws -> String { try required(column, optionalString(column)) }
    public func bool(_ column: String) throws -> Bool { try required(column, optionalBool(column)) }
    public func bytes(_ column: String) throws -> [UInt8] { try required(column, optionalBytes(column)) }
    /// A BIGINT of microseconds since the Unix epoch, as a `Date`.
    public func timestamp(_ column: String) throws -> Date { try required(column, optionalTimestamp(column)) }

    // MARK: Optional (NULL → nil)

    public func optionalInt(_ column: String) throws -> Int64? {
        switch try value(column) {
        case .null: return nil
        case .int(let value): return value
        case let other: throw mismatch(column, "an integer", other)
        }
    }

    public func optionalDouble(_ column: String) throws -> Double? {
        switch try value(column) {
        case .null: return nil
        case .double(let value): return value
        case .int(let value): return Double(value)
        case let other: throw mismatch(column, "a double", other)
        }
    }

    public func optionalString(_ column: String) throws -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let value): return value
        case let other: throw mismatch(column, "text", other)
        }
    }

    public func optionalBool(_ column: String) throws -> Bool? {
        switch try value(column) {
        case .null: return nil
        case .bool(let value): return value
        case .int(0): return false
        case .int(1): return true
        case let other: throw mismatch(column, "a boolean", other)
        }
    }

    public func optionalBytes(_ column: String) throws -> [UInt8]? {
        switch try value(column) {
        case .null: return nil
        case .bytes(let value): return value
        case let other: throw mismatch(column, "bytes", other)
        }
    }

    public func optionalTimestamp(_ column: String) throws -> Date? {
        try optionalInt(column).map { Date(microsecondsSince1970: $0) }
    }

    // MARK: Helpers

    private func required<T>(_ column: String, _ value: T?) throws -> T {
        guard let value else { throw StoreError.decoding(column: column, message: "is NULL") }
        return value
    }

    private func mismatch(_ column: String, _ expected: String, _ found: SQLValue) -> StoreError {
        StoreError.decoding(column: column, message: "expected \(expected), found \(found)")
    }
}

extension SQLRow: CustomStringConvertible {
    /// Column names and value types (no text or byte contents, which may be secrets).
    public var description: String {
        "SQLRow(" + zip(columns.names, values).map { "\($0): \($1)" }.joined(separator: ", ") + ")"
    }
}
