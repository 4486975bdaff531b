import Logging

/// The `SQLSession` of one PostgreSQL transaction.
final class PostgresSession: SQLSession {
    private let connection: PostgresConnection
    private let cache: Bool
    /// The first statement error: PostgreSQL has aborted the transaction from then on.
    private(set) var failure: (any Error)?
    private var ended = false

    init(connection: PostgresConnection, cache: Bool) {
        self.connection = connection
        self.cache = cache
    }

    /// Invalidates the session when its closure has returned.
    func end() { ended = true }

    /// The serialization failure or deadlock a statement hit, if any (the transaction is then re-run).
    var serializationFailure: StoreError? {
        if let failure = failure as? StoreError, case .serializationFailure = failure { return failure }
        return nil
    }

    func execute(_ sql: String, _ binds: [SQLValue]) throws -> Int {
        try run(sql, binds).changes
    }

    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        try run(sql, binds).rows
    }

    func queryOne(_ sql: String, _ binds: [SQLValue]) throws -> SQLRow? {
        try run(sql, binds).rows.first
    }

    private func run(_ sql: String, _ binds: [SQLValue]) throws -> (rows: [SQLRow], changes: Int) {
        guard !ended else { throw StoreError.sessionEnded }
        if let failure { throw StoreError.transactionAborted(after: failure) }
        do {
            return try connection.run(sql, binds, cache: cache)
        } catch {
            failure = error
            throw error
        }
    }
}

/// A leased pool slot: the connection (if any) and the code that runs transactions on it, on a blocking thread.
/// Connects lazily, and drops a connection that broke or was left inside a transaction.
final class PostgresSlot: @unchecked Sendable {
    private(set) var connection: PostgresConnection?
    private let target: PostgresTarget
    private let logger: Logger

    init(connection: PostgresConnection?, target: PostgresTarget, logger: Logger) {
        self.connection = connection
        self.target = target
        self.logger = logger
    }

    /// Runs `body` in a transaction and commits it, or rolls back when `body` throws or a statement failed.
    ///
    /// Reads use REPEATABLE READ READ ONLY: a consistent snapshot that never blocks and never fails with a
    /// serialization error (SERIALIZABLE READ ONLY DEFERRABLE would also exclude the rare read-only anomaly, at the
    /// price of waiting for a safe snapshot; decisions that need serializability belong in `write`). Writes use
    /// SERIALIZABLE; a serialization failure or deadlock is thrown as `StoreError.serializationFailure` for the caller
    /// to re-run, even when `body` caught it and threw something else.
    func transaction<T>(_ mode: TransactionMode, _ body: (any SQLSession) throws -> T) throws -> T {
        defer { dropIfUnusable() }
        let connection = try begin(mode)
        let session = PostgresSession(connection: connection, cache: mode != .migration)
        defer { session.end() }
        let value: T
        do {
            value = try body(session)
        } catch {
            rollback(connection)
            throw session.serializationFailure ?? error
        }
        if let failure = session.failure {
            rollback(connection)
            throw failure
        }
        do {
            try connection.simple("COMMIT")
        } catch StoreError.connectionFailed(let message) {
            throw StoreError.connectionFailed("\(message); the transaction may or may not have been committed")
        }
        return value
    }

    /// Applies `migrations` under a session-level advisory lock (per schema), so that instances starting together
    /// apply each migration once; creates the schema first when it does not exist.
    func migrate(_ migrations: [Migration], logger: Logger) throws {
        defer { dropIfUnusable() }
        let connection = try connected()
        let lockKey = Self.advisoryLockKey(schema: target.schema)
        try connection.simple("SELECT pg_advisory_lock(\(lockKey))")
        defer {
            if !connection.isBroken { try? connection.simple("SELECT pg_advisory_unlock(\(lockKey))") }
        }
        let schema = target.schema
        let quotedSchema = target.quotedSchema
        do {
            try transaction(.migration) { session in
                // Checked first: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the schema exists.
                if try session.queryOne("SELECT 1 AS found FROM pg_namespace WHERE nspname = $1", [.text(schema)]) == nil {
                    try session.execute("CREATE SCHEMA \(quotedSchema)")
                }
            }
        } catch let error as StoreError {
            throw StoreError.migrationFailed(version: 0, name: "create schema \(schema)", message: error.description)
        }
        try MigrationRunner.run(migrations, backend: .postgres, logger: logger) { body in
            try transaction(.migration, body)
        }
    }

    /// Closes the connection if it is unusable for the next leaseholder.
    func dropIfUnusable() {
        if let connection, connection.isBroken || !connection.isIdle { drop() }
    }

    private func drop() {
        connection?.close()
        connection = nil
    }

    private func connected() throws -> PostgresConnection {
        if let connection { return connection }
        let connection = try PostgresConnection.connect(target)
        self.connection = connection
        return connection
    }

    /// BEGIN; when it finds the connection dead (the server restarted or dropped it while idle), nothing has run yet,
    /// so it reconnects once and begins again. Not during migrations, which hold a session lock on the connection.
    private func begin(_ mode: TransactionMode) throws -> PostgresConnection {
        let sql: String
        switch mode {
        case .read: sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        case .write: sql = "BEGIN ISOLATION LEVEL SERIALIZABLE"
        case .migration: sql = "BEGIN ISOLATION LEVEL READ COMMITTED"
        }
        let connection = try connected()
        do {
            try connection.simple(sql)
            return connection
        } catch {
            guard connection.isBroken, mode != .migration else { throw error }
            logger.warning(
                "PostgreSQL connection lost; reconnecting",
                metadata: ["db.location": "\(connection.location)", "error": "\(error)"])
            drop()
            let fresh = try connected()
            try fresh.simple(sql)
            return fresh
        }
    }

    private func rollback(_ connection: PostgresConnection) {
        if !connection.isBroken { try? connection.simple("ROLLBACK") }
    }

    /// A stable 64-bit key (FNV-1a) for the schema's migration lock.
    static func advisoryLockKey(schema: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "cyberport.schema_migrations.\(schema)".utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
