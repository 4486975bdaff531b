import Logging

/// PostgreSQL through libpq: a pool of `poolSize` connections (opened on demand; a queue of waiting tasks when all
/// are busy), each on its own blocking thread while in use.
final class PostgresBackend: StorageBackend {
    /// How often `write` runs its closure when PostgreSQL keeps reporting serialization failures or deadlocks.
    static let maxWriteAttempts = 40

    let kind = DatabaseBackend.postgres
    private let target: PostgresTarget
    private let pool: ConnectionPool<PostgresConnection>
    private let executor: BlockingExecutor
    private let logger: Logger

    private init(target: PostgresTarget, pool: ConnectionPool<PostgresConnection>, executor: BlockingExecutor, logger: Logger) {
        self.target = target
        self.pool = pool
        self.executor = executor
        self.logger = logger
    }

    /// Connects once (so that an unreachable server fails here) and sets the pool up.
    static func open(url: String, schema: String, poolSize: Int, logger: Logger) async throws -> PostgresBackend {
        guard poolSize >= 1 else {
            throw StoreError.connectionFailed("the PostgreSQL pool size must be at least 1 (got \(poolSize))")
        }
        guard !schema.isEmpty else {
            throw StoreError.connectionFailed("the PostgreSQL schema name must not be empty")
        }
        let target = PostgresTarget(url: url, schema: schema)
        let executor = BlockingExecutor(threads: poolSize)
        let first: PostgresConnection
        do {
            first = try await executor.run { try PostgresConnection.connect(target) }
        } catch {
            await executor.shutdown()
            throw error
        }
        let slots: [PostgresConnection?] = [first] + Array(repeating: nil, count: poolSize - 1)
        return PostgresBackend(target: target, pool: ConnectionPool(slots: slots), executor: executor, logger: logger)
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await withSlot { slot in
            try await executor.run { try slot.transaction(.read, body) }
        }
    }

    /// Re-runs the transaction on serialization failures and deadlocks, with jittered exponential backoff (up to
    /// 100 ms between attempts), `maxWriteAttempts` times at most.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await withSlot { slot in
            var attempt = 1
            while true {
                do {
                    return try await executor.run { try slot.transaction(.write, body) }
                } catch StoreError.serializationFailure(let message) where attempt < Self.maxWriteAttempts {
                    logger.debug(
                        "write transaction re-run after a serialization failure",
                        metadata: ["attempt": "\(attempt)", "error": "\(message)"])
                    let ceiling = min(UInt64(100_000_000), UInt64(1_000_000) << min(attempt - 1, 20))
                    try await Task.sleep(nanoseconds: UInt64.random(in: ceiling / 4...ceiling))
                    attempt += 1
                }
            }
        }
    }

    func migrate(_ migrations: [Migration], logger: Logger) async throws {
        try await withSlot { slot in
            try await executor.run { try slot.migrate(migrations, logger: logger) }
        }
    }

    func close() async {
        let connections = await pool.close()
        _ = try? await executor.run { connections.forEach { $0.close() } }
        await executor.shutdown()
    }

    /// Leases a slot for `body` and gives back its connection (nil when it was dropped).
    private func withSlot<T>(_ body: (PostgresSlot) async throws -> T) async throws -> T {
        let slot = PostgresSlot(connection: try await pool.lease(), target: target, logger: logger)
        defer { pool.release(slot.connection) }
        return try await body(slot)
    }
}
