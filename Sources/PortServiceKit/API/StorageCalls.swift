import Logging
import PortRPC
import PortStore

/// Transactions for API handlers: storage errors become statuses a client can act on. A unique violation that
/// slipped past the handler's own checks (a concurrent duplicate) is ALREADY_EXISTS, an exhausted serialization
/// retry is ABORTED, anything else is logged and answered UNAVAILABLE (never with database details). Errors the body
/// throws itself (RPCError) pass through unchanged.
public struct StorageCalls: Sendable {
    public let database: Database
    public let logger: Logger

    public init(database: Database, logger: Logger) {
        self.database = database
        self.logger = logger
    }

    /// `body` in a write transaction.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        do {
            return try await database.write(body)
        } catch let error as StoreError {
            throw map(error)
        }
    }

    /// `body` in a read transaction.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as StoreError {
            throw map(error)
        }
    }

    func map(_ error: StoreError) -> RPCError {
        switch error {
        case .uniqueViolation:
            return APIError.make(.alreadyExists, "a resource with the same unique value already exists", reason: "ALREADY_EXISTS")
        case .serializationFailure:
            return APIError.make(.aborted, "the request conflicted with a concurrent change; retry it", reason: "CONFLICT")
        default:
            logger.error("storage error", metadata: ["error": "\(error)"])
            return RPCError(.unavailable, "storage is unavailable; retry later")
        }
    }
}
