/// One versioned schema change, applied once per database, in its own transaction, at `Database.open`.
///
/// Write portable DDL so that both backends get the same schema ("no drift"; `Database.schema()` lets a test compare
/// them):
/// - Column types: `TEXT`, `BIGINT`, `BOOLEAN`, `DOUBLE PRECISION` and `BYTEA` for bytes. On SQLite the store
///   rewrites the type name `BYTEA` to `BLOB` (outside quotes and comments); everything else is passed through as is.
/// - Timestamps are `BIGINT` microseconds since the Unix epoch (`SQLValue.timestamp`).
/// - Write `NOT NULL` on primary-key columns (SQLite otherwise accepts NULL in a non-INTEGER primary key).
/// - Name unique keys with `CREATE UNIQUE INDEX name ON t (…)` (or keep PostgreSQL's default `<table>_<cols>_key`),
///   and CHECK constraints with `CONSTRAINT name CHECK (…)`, so violations report the same name on both backends.
/// - Prefer application-generated identifiers; for the rare statement that must differ (an identity column,
///   a partial-index predicate), use `init(version:name:sqlite:postgres:)`.
///
/// Versions must be positive and strictly increasing in the list given to `Database.open`; never change or remove an
/// applied migration (its name is checked on every open), add a new one instead.
public struct Migration: Sendable {
    /// The version, recorded in `schema_migrations.version`.
    public let version: Int
    /// A short name, recorded in `schema_migrations.name` and checked against the database on every open.
    public let name: String
    /// The statements run on SQLite, one statement each.
    public let sqliteStatements: [String]
    /// The statements run on PostgreSQL, one statement each.
    public let postgresStatements: [String]

    /// A migration whose statements are the same on both backends.
    public init(version: Int, name: String, statements: [String]) {
        self.init(version: version, name: name, sqlite: statements, postgres: statements)
    }

    /// A migration with different statements per backend, for the rare cases portable SQL cannot express.
    public init(version: Int, name: String, sqlite: [String], postgres: [String]) {
        self.version = version
        self.name = name
        self.sqliteStatements = sqlite
        self.postgresStatements = postgres
    }

    func statements(for backend: DatabaseBackend) -> [String] {
        switch backend {
        case .sqlite: return sqliteStatements.map { SQLText.rewriteTypeName($0, from: "BYTEA", to: "BLOB") }
        case .postgres: return postgresStatements
        }
    }

    /// Checks that versions are positive and strictly increasing and that names are non-empty.
    static func validate(_ migrations: [Migration]) throws {
        var previous: Migration?
        for migration in migrations {
            guard migration.version > 0 else {
                throw StoreError.invalidMigrations(
                    "migration '\(migration.name)' has version \(migration.version); versions start at 1")
            }
            guard !migration.name.isEmpty else {
                throw StoreError.invalidMigrations("migration \(migration.version) has an empty name")
            }
            if let previous, migration.version <= previous.version {
                throw StoreError.invalidMigrations(
                    "versions must be strictly increasing: \(migration.version) (\(migration.name)) follows "
                        + "\(previous.version) (\(previous.name))")
            }
            previous = migration
        }
    }
}
