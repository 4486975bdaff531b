import Logging

/// SQLite in WAL mode: one writer connection (writes are serialized in-process by its one-slot pool, and across
/// processes by `BEGIN IMMEDIATE` + `busy_timeout`) and `readerCount` reader connections reading WAL snapshots
/// concurrently with the writer. See `SQLiteConnection.open` for the pragmas.
final class SQLiteBackend: StorageBackend {
    /// Reader connections (and threads) besides the writer.
    static let readerCount = 4

    let kind = DatabaseBackend.sqlite
    private let path: String
    private let executor: BlockingExecutor
    private let writer: ConnectionPool<SQLiteConnection>
    private let readers: ConnectionPool<SQLiteConnection>

    private init(
        path: String, executor: BlockingExecutor, writer: SQLiteConnection, readers: [SQLiteConnection]
    ) {
        self.path = path
        self.executor = executor
        self.writer = ConnectionPool(slots: [writer])
        self.readers = ConnectionPool(slots: readers)
    }

    /// Opens the writer (creating the file) and the readers.
    static func open(path: String) async throws -> SQLiteBackend {
        let executor = BlockingExecutor(threads: 1 + readerCount)
        do {
            let writer = try await executor.run { try SQLiteConnection.open(path: path, role: .writer) }
            let readers = try await executor.run { () throws -> [SQLiteConnection] in
                var readers: [SQLiteConnection] = []
                do {
                    for _ in 0..<readerCount { readers.append(try SQLiteConnection.open(path: path, role: .reader)) }
                } catch {
                    readers.forEach { $0.close() }
                    writer.close()
                    throw error
                }
                return readers
            }
            return SQLiteBackend(path: path, executor: executor, writer: writer, readers: readers)
        } catch {
            await executor.shutdown()
            throw error
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await run(on: readers) { try $0.transaction(.read, body) }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await run(on: writer) { try $0.transaction(.write, body) }
    }

    func migrate(_ migrations: [Migration], logger: Logger) async throws {
        try await run(on: writer) { connection in
            try MigrationRunner.run(migrations, backend: .sqlite, logger: logger) { body in
                try connection.transaction(.migration, body)
            }
        }
    }

    func close() async {
        let connections = await writer.close() + readers.close()
        _ = try? await executor.run { connections.forEach { $0.close() } }
        await executor.shutdown()
    }

    private func run<T: Sendable>(
        on pool: ConnectionPool<SQLiteConnection>, _ body: @escaping @Sendable (SQLiteConnection) throws -> T
    ) async throws -> T {
        guard let connection = try await pool.lease() else {
            preconditionFailure("SQLite pool slots always hold a connection")
        }
        defer { pool.release(connection) }
        return try await executor.run { try body(connection) }
    }
}
