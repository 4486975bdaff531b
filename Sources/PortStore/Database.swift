import Logging
import Synchronization

/// A service's database: SQLite (embedded) or PostgreSQL behind one interface, with versioned migrations.
///
/// All work happens in transactions: `read` and `write` lease a pooled connection and run their closure on a
/// dedicated blocking thread (never on a NIO event loop or the Swift cooperative pool), so they are safe to call from
/// any async context. The closure gets an `SQLSession` that is valid only while it runs. Call `close()` when done.
public final class Database: Sendable {
    private let store: any StorageBackend
    private let closing = Mutex<Task<Void, Never>?>(nil)

    /// The backend in use.
    public var backend: DatabaseBackend { store.kind }

    private init(store: any StorageBackend) {
        self.store = store
    }

    /// Opens the database and applies the pending migrations (each in its own transaction, logged at info level).
    ///
    /// Throws `StoreError.connectionFailed` when the database cannot be opened or reached (the message names the
    /// path, or the server, database and user, never the password), `.invalidMigrations` for a malformed list, and
    /// `.migrationFailed`, `.migrationMismatch` or `.schemaTooNew` when the schema cannot be brought up to date.
    public static func open(
        _ configuration: DatabaseConfiguration, migrations: [Migration], logger: Logger
    ) async throws -> Database {
        try Migration.validate(migrations)
        let store: any StorageBackend
        switch configuration {
        case .sqlite(let path):
            store = try await SQLiteBackend.open(path: path)
        case .postgres(let url, let schema, let poolSize):
            store = try await PostgresBackend.open(url: url, schema: schema, poolSize: poolSize, logger: logger)
        }
        do {
            try await store.migrate(migrations, logger: logger)
        } catch {
            await store.close()
            throw error
        }
        logger.info(
            "database opened",
            metadata: [
                "db": "\(configuration)", "db.schema_version": "\(migrations.last?.version ?? 0)",
            ])
        return Database(store: store)
    }

    /// Runs `body` in a read-only transaction: a consistent snapshot (SQLite WAL snapshot; PostgreSQL REPEATABLE
    /// READ READ ONLY) on one of several connections, so reads run concurrently with each other and with writes.
    /// A statement that writes fails with `StoreError.readOnlyTransaction`.
    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await store.read(body)
    }

    /// Runs `body` in a serializable write transaction: commits when it returns, rolls back when it throws (the error
    /// is rethrown as is). The data is durable when `write` returns.
    ///
    /// SQLite serializes writes (one writer connection, `BEGIN IMMEDIATE`). On PostgreSQL (SERIALIZABLE), a
    /// serialization failure or deadlock (SQLSTATE 40001, 40P01) re-runs `body` after a short jittered backoff, a
    /// bounded number of times (then `StoreError.serializationFailure`): `body` must be re-runnable, with no side
    /// effects outside the session.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await store.write(body)
    }

    /// Describes the tables and columns of the database (for drift checks between backends).
    public func schema() async throws -> DatabaseSchema {
        try await read { session in try DatabaseSchema.read(session, backend: self.backend) }
    }

    /// Closes the database: new operations fail with `StoreError.closed`, running ones finish first, then the
    /// connections close and the threads stop. Later calls wait for the first one.
    public func close() async {
        let task = closing.withLock { task -> Task<Void, Never> in
            if let task { return task }
            let store = self.store
            let newTask = Task { await store.close() }
            task = newTask
            return newTask
        }
        await task.value
    }
}
