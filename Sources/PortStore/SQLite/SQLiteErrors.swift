import CSQLite
import Foundation

/// Maps SQLite result codes to `StoreError`, with the same shape PostgreSQL errors get.
enum SQLiteErrors {
    // Extended result codes (the C macros are expressions Swift does not import).
    private static let constraintCheck: Int32 = 275  // SQLITE_CONSTRAINT_CHECK
    private static let constraintForeignKey: Int32 = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
    private static let constraintNotNull: Int32 = 1299  // SQLITE_CONSTRAINT_NOTNULL
    private static let constraintPrimaryKey: Int32 = 1555  // SQLITE_CONSTRAINT_PRIMARYKEY
    private static let constraintUnique: Int32 = 2067  // SQLITE_CONSTRAINT_UNIQUE

    static func map(code: Int32, message: String, connection: SQLiteConnection) -> StoreError {
        switch code {
        case constraintUnique, constraintPrimaryKey:
            let (constraint, columns) = uniqueKey(
                message: message, primaryKey: code == constraintPrimaryKey, connection: connection)
            return .uniqueViolation(constraint: constraint, columns: columns, message: message)
        case constraintForeignKey:
            return .foreignKeyViolation(message: message)
        case constraintNotNull:
            // "NOT NULL constraint failed: table.column"
            let column = suffix(of: message, after: "constraint failed: ")
                .map { $0.split(separator: ".", maxSplits: 1).last.map(String.init) ?? $0 }
            return .notNullViolation(column: column, message: message)
        case constraintCheck:
            // "CHECK constraint failed: name" (the name, or the expression of an unnamed constraint)
            return .checkViolation(constraint: suffix(of: message, after: "constraint failed: "), message: message)
        default:
            break
        }
        switch code & 0xFF {
        case SQLITE_CONSTRAINT:
            return .constraintViolation(message: message)
        case SQLITE_READONLY:
            return .readOnlyTransaction(message: message)
        default:
            return .queryFailed(message: message, code: name(of: code))
        }
    }

    /// The constraint name and columns of a unique violation, named the way PostgreSQL names them.
    ///
    /// SQLite reports "UNIQUE constraint failed: t.a, t.b" (or "… failed: index 'name'" for an expression index).
    /// The name is the unique index created with `CREATE UNIQUE INDEX name`, else PostgreSQL's default: `t_pkey` for
    /// the primary key, `t_a_b_key` for a UNIQUE column or table constraint.
    private static func uniqueKey(message: String, primaryKey: Bool, connection: SQLiteConnection)
        -> (String?, [String])
    {
        guard let list = suffix(of: message, after: "constraint failed: ") else { return (nil, []) }
        if list.hasPrefix("index '"), list.hasSuffix("'") {
            return (String(list.dropFirst("index '".count).dropLast()), [])
        }
        var table: String?
        var columns: [String] = []
        for item in list.components(separatedBy: ", ") {
            let parts = item.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return (nil, []) }
            table = parts[0]
            columns.append(parts[1])
        }
        guard let table else { return (nil, columns) }
        if primaryKey { return ("\(table)_pkey", columns) }
        return (uniqueIndexName(table: table, columns: columns, connection: connection), columns)
    }

    private static func uniqueIndexName(table: String, columns: [String], connection: SQLiteConnection) -> String? {
        let defaultName = "\(table)_\(columns.joined(separator: "_"))_key"
        guard
            let indexes = try? connection.run(
                "SELECT name, origin FROM pragma_index_list($1) WHERE \"unique\" = 1", [.text(table)],
                cache: false, rows: .all
            ).rows
        else { return defaultName }
        for index in indexes {
            guard let name = try? index.string("name"), let origin = try? index.string("origin"),
                let indexed = try? connection.run(
                    "SELECT name FROM pragma_index_info($1) ORDER BY seqno", [.text(name)], cache: false, rows: .all
                ).rows,
                indexed.compactMap({ try? $0.optionalString("name") }) == columns
            else { continue }
            switch origin {
            case "c": return name
            case "pk": return "\(table)_pkey"
            default: return defaultName
            }
        }
        return defaultName
    }

    private static func suffix(of message: String, after marker: String) -> String? {
        guard let range = message.range(of: marker) else { return nil }
        return String(message[range.upperBound...])
    }

    /// `SQLITE_<NAME>` for a primary result code.
    private static func name(of code: Int32) -> String {
        let names: [Int32: String] = [
            SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL", SQLITE_PERM: "SQLITE_PERM",
            SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY", SQLITE_LOCKED: "SQLITE_LOCKED",
            SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_INTERRUPT: "SQLITE_INTERRUPT", SQLITE_IOERR: "SQLITE_IOERR",
            SQLITE_CORRUPT: "SQLITE_CORRUPT", SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN",
            SQLITE_PROTOCOL: "SQLITE_PROTOCOL", SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_TOOBIG: "SQLITE_TOOBIG",
            SQLITE_MISMATCH: "SQLITE_MISMATCH", SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_RANGE: "SQLITE_RANGE",
            SQLITE_NOTADB: "SQLITE_NOTADB",
        ]
        return names[code & 0xFF] ?? "SQLITE_\(code)"
    }
}
