/// An error from the storage layer, the same on both backends.
///
/// Messages carry the database's primary error text (never bind values, and never a password from a connection URL).
/// A constraint violation inside a transaction ends that transaction on both backends: any further statement in the
/// same `read`/`write` closure fails, and the transaction rolls back even if the closure catches the error.
public enum StoreError: Error, CustomStringConvertible {
    /// A UNIQUE or PRIMARY KEY constraint was violated (SQLite `SQLITE_CONSTRAINT_UNIQUE`/`_PRIMARYKEY`, PostgreSQL
    /// 23505). `columns` are the key's columns (reliable on both backends). `constraint` is the name PostgreSQL
    /// reports; on SQLite it is derived to match: the index name for `CREATE UNIQUE INDEX name …`, otherwise
    /// PostgreSQL's default names `<table>_pkey` and `<table>_<col>[_<col>…]_key`.
    case uniqueViolation(constraint: String?, columns: [String], message: String)
    /// A FOREIGN KEY constraint was violated (SQLite `SQLITE_CONSTRAINT_FOREIGNKEY`, PostgreSQL 23503).
    case foreignKeyViolation(message: String)
    /// A NOT NULL constraint was violated (PostgreSQL 23502); `column` is the column's name when known.
    case notNullViolation(column: String?, message: String)
    /// A CHECK constraint was violated (PostgreSQL 23514). Name CHECK constraints (`CONSTRAINT name CHECK (…)`) so
    /// both backends report the same `constraint`.
    case checkViolation(constraint: String?, message: String)
    /// Any other integrity constraint violation (PostgreSQL class 23, other SQLite constraint codes).
    case constraintViolation(message: String)
    /// A statement tried to write inside a read-only (`Database.read`) transaction.
    case readOnlyTransaction(message: String)
    /// PostgreSQL kept failing with a serialization failure or deadlock (40001, 40P01) after the bounded retries.
    case serializationFailure(message: String)
    /// The database cannot be opened or reached, or a connection was lost during an operation.
    case connectionFailed(String)
    /// A migration's statement failed; the migration was rolled back (earlier migrations stay applied).
    case migrationFailed(version: Int, name: String, message: String)
    /// The database has a migration applied whose version is higher than the newest one this code knows.
    case schemaTooNew(databaseVersion: Int, knownVersion: Int)
    /// An applied migration's recorded name differs from the code's migration with the same version (`expectedName`
    /// is empty when the code has no migration with that version).
    case migrationMismatch(version: Int, expectedName: String, foundName: String)
    /// The migration list given to `Database.open` is invalid (a programming error: versions must be positive and
    /// strictly increasing, names non-empty).
    case invalidMigrations(String)
    /// A column is missing from a row or holds a value of another type than the one asked for.
    case decoding(column: String, message: String)
    /// Any other failed statement. `code` is the SQLSTATE on PostgreSQL and `SQLITE_<name>` on SQLite.
    case queryFailed(message: String, code: String?)
    /// The database was closed.
    case closed

    public var description: String {
        switch self {
        case .uniqueViolation(let constraint, let columns, let message):
            let on = columns.isEmpty ? "" : " on (\(columns.joined(separator: ", ")))"
            return "unique violation\(constraint.map { " of \($0)" } ?? "")\(on): \(message)"
        case .foreignKeyViolation(let message):
            return "foreign key violation: \(message)"
        case .notNullViolation(let column, let message):
            return "not-null violation\(column.map { " in column \($0)" } ?? ""): \(message)"
        case .checkViolation(let constraint, let message):
            return "check violation\(constraint.map { " of \($0)" } ?? ""): \(message)"
        case .constraintViolation(let message):
            return "constraint violation: \(message)"
        case .readOnlyTransaction(let message):
            return "write in a read-only transaction: \(message)"
        case .serializationFailure(let message):
            return "serialization failure (retries exhausted): \(message)"
        case .connectionFailed(let message):
            return message
        case .migrationFailed(let version, let name, let message):
            return "migration \(version) (\(name)) failed: \(message)"
        case .schemaTooNew(let databaseVersion, let knownVersion):
            return "the database schema is at migration \(databaseVersion), newer than this program knows "
                + "(\(knownVersion)); run a newer version of the program"
        case .migrationMismatch(let version, let expectedName, let foundName):
            let expected = expectedName.isEmpty ? "no migration with that version" : "'\(expectedName)'"
            return "migration \(version) was applied as '\(foundName)' but this program has \(expected)"
        case .invalidMigrations(let message):
            return "invalid migration list: \(message)"
        case .decoding(let column, let message):
            return "cannot decode column '\(column)': \(message)"
        case .queryFailed(let message, let code):
            return "query failed\(code.map { " (\($0))" } ?? ""): \(message)"
        case .closed:
            return "the database is closed"
        }
    }
}
