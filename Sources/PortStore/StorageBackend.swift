import Logging

/// What `Database` needs from a backend. Implementations lease a connection, run the closure on the blocking
/// executor inside a transaction, and give the connection back.
protocol StorageBackend: Sendable {
    var kind: DatabaseBackend { get }
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
    /// Applies the pending migrations (see `MigrationRunner`).
    func migrate(_ migrations: [Migration], logger: Logger) async throws
    /// Waits for running operations, closes the connections and stops the threads.
    func close() async
}

/// The kind of transaction a closure runs in.
enum TransactionMode: Sendable {
    /// `Database.read`: a read-only snapshot.
    case read
    /// `Database.write`: serializable (SQLite `BEGIN IMMEDIATE`, PostgreSQL SERIALIZABLE).
    case write
    /// A migration step: SQLite `BEGIN IMMEDIATE`, PostgreSQL READ COMMITTED (under the migration advisory lock);
    /// statements are not cached.
    case migration
}

extension StoreError {
    /// The error for a statement issued after an earlier one failed in the same transaction (PostgreSQL 25P02).
    static func transactionAborted(after failure: any Error) -> StoreError {
        .queryFailed(
            message: "the transaction is aborted because an earlier statement failed (\(failure)); "
                + "end the closure by throwing", code: "25P02")
    }

    /// The error for a session used after its closure returned.
    static let sessionEnded = StoreError.queryFailed(
        message: "the SQLSession was used after its read/write closure returned", code: nil)

    /// The error for a bind count that differs from the statement's highest placeholder.
    static func bindCount(expected: Int, given: Int) -> StoreError {
        .queryFailed(message: "the statement has \(expected) placeholder(s) ($1…$\(expected)) but \(given) bind(s) were given",
            code: nil)
    }
}

extension SQLValue {
    /// Rejects values one backend cannot store (so both backends fail alike).
    func validateForBinding(position: Int) throws {
        switch self {
        case .double(let value) where value.isNaN:
            throw StoreError.queryFailed(message: "bind $\(position) is NaN, which SQLite cannot store", code: nil)
        case .text(let value) where value.utf8.contains(0):
            throw StoreError.queryFailed(
                message: "bind $\(position) contains a NUL character, which PostgreSQL text cannot store", code: nil)
        default:
            return
        }
    }
}
