import Foundation
import Logging

/// Applies migrations, the same way on both backends, on one connection (on a blocking thread).
///
/// The table `schema_migrations(version, name, applied_at)` records applied migrations. Each pending migration runs
/// in its own transaction together with its `schema_migrations` row, in version order. Applied migrations are checked
/// by name, and a database with a version newer than the code's is refused. Concurrent starts do not apply a migration
/// twice: on PostgreSQL the caller holds an advisory lock; on SQLite `BEGIN IMMEDIATE` serializes the transactions and
/// each one re-checks whether its migration was applied meanwhile.
enum MigrationRunner {
    static let createTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at BIGINT NOT NULL
        )
        """

    /// `transaction` runs its closure in one transaction on the migration connection.
    static func run(
        _ migrations: [Migration], backend: DatabaseBackend, logger: Logger,
        transaction: ((any SQLSession) throws -> Void) throws -> Void
    ) throws {
        try transaction { session in try session.execute(createTable) }
        var applied: [(version: Int, name: String)] = []
        try transaction { session in
            applied = try session.query("SELECT version, name FROM schema_migrations ORDER BY version").map {
                (Int(try $0.int("version")), try $0.string("name"))
            }
        }
        try check(applied: applied, against: migrations)

        let appliedVersions = Set(applied.map(\.version))
        let newestApplied = applied.last?.version ?? 0
        for migration in migrations where !appliedVersions.contains(migration.version) {
            guard migration.version > newestApplied else {
                throw StoreError.migrationFailed(
                    version: migration.version, name: migration.name,
                    message: "it is older than the newest applied migration (\(newestApplied)) and was never "
                        + "applied; give new migrations versions above \(newestApplied)")
            }
            let started = ContinuousClock.now
            var appliedNow = false
            do {
                try transaction { session in
                    appliedNow = try apply(migration, backend: backend, session: session)
                }
            } catch let error as StoreError {
                switch error {
                case .migrationFailed, .migrationMismatch: throw error
                default:
                    throw StoreError.migrationFailed(
                        version: migration.version, name: migration.name, message: error.description)
                }
            }
            if appliedNow {
                logger.info(
                    "applied migration",
                    metadata: [
                        "migration.version": "\(migration.version)", "migration.name": "\(migration.name)",
                        "db.backend": "\(backend)", "duration": "\(ContinuousClock.now - started)",
                    ])
            }
        }
    }

    /// Applies one migration; false when another process applied it meanwhile.
    private static func apply(_ migration: Migration, backend: DatabaseBackend, session: any SQLSession) throws -> Bool {
        if let row = try session.queryOne(
            "SELECT name FROM schema_migrations WHERE version = $1", [.int(Int64(migration.version))])
        {
            let name = try row.string("name")
            guard name == migration.name else {
                throw StoreError.migrationMismatch(
                    version: migration.version, expectedName: migration.name, foundName: name)
            }
            return false
        }
        for (index, statement) in migration.statements(for: backend).enumerated() {
            do {
                try session.execute(statement)
            } catch {
                throw StoreError.migrationFailed(
                    version: migration.version, name: migration.name, message: "statement \(index + 1): \(error)")
            }
        }
        try session.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            [.int(Int64(migration.version)), .text(migration.name), .timestamp(Date())])
        return true
    }

    private static func check(applied: [(version: Int, name: String)], against migrations: [Migration]) throws {
        let known = migrations.last?.version ?? 0
        if let newest = applied.last?.version, newest > known {
            throw StoreError.schemaTooNew(databaseVersion: newest, knownVersion: known)
        }
        let byVersion = Dictionary(uniqueKeysWithValues: migrations.map { ($0.version, $0) })
        for (version, name) in applied where byVersion[version]?.name != name {
            throw StoreError.migrationMismatch(
                version: version, expectedName: byVersion[version]?.name ?? "", foundName: name)
        }
    }
}
