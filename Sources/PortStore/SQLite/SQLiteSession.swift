/// The `SQLSession` of one SQLite transaction.
final class SQLiteSession: SQLSession {
    private let connection: SQLiteConnection
    private let cache: Bool
    /// The first statement error: the transaction is aborted from then on (as on PostgreSQL).
    private(set) var failure: (any Error)?
    private var ended = false

    init(connection: SQLiteConnection, cache: Bool) {
        self.connection = connection
        self.cache = cache
    }

    /// Invalidates the session when its closure has returned.
    func end() { ended = true }

    func execute(_ sql: String, _ binds: [SQLValue]) throws -> Int {
        try run(sql, binds, rows: .none).changes
    }

    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        try run(sql, binds, rows: .all).rows
    }

    func queryOne(_ sql: String, _ binds: [SQLValue]) throws -> SQLRow? {
        try run(sql, binds, rows: .first).rows.first
    }

    private func run(_ sql: String, _ binds: [SQLValue], rows: SQLiteConnection.Rows) throws
        -> (rows: [SQLRow], changes: Int)
    {
        guard !ended else { throw StoreError.sessionEnded }
        if let failure { throw StoreError.transactionAborted(after: failure) }
        do {
            return try connection.run(sql, binds, cache: cache, rows: rows)
        } catch {
            failure = error
            throw error
        }
    }
}

extension SQLiteConnection {
    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` for writes (takes the write lock up front, so a writer never
    /// fails to upgrade a read lock), a deferred `BEGIN` for reads (a WAL snapshot from the first read on). Commits
    /// when `body` returns, rolls back when it throws or when one of its statements failed.
    func transaction<T>(_ mode: TransactionMode, _ body: (any SQLSession) throws -> T) throws -> T {
        try run(mode == .read ? "BEGIN" : "BEGIN IMMEDIATE", [], cache: true, rows: .none)
        let session = SQLiteSession(connection: self, cache: mode != .migration)
        defer { session.end() }
        let value: T
        do {
            value = try body(session)
        } catch {
            rollback()
            throw error
        }
        if let failure = session.failure {
            rollback()
            throw failure
        }
        do {
            try run("COMMIT", [], cache: true, rows: .none)
        } catch {
            rollback()
            throw error
        }
        return value
    }

    private func rollback() {
        if !isAutocommit { _ = try? run("ROLLBACK", [], cache: true, rows: .none) }
    }
}
