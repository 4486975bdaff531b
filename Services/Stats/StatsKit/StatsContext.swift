import Logging
import PortAuth
import PortRPC
import PortServiceKit
import PortStore

/// Everything the Stats handlers share.
final class StatsContext: Sendable {
    let database: Database
    let catalog: StatsCatalog
    let authenticator: Authenticator
    let logger: Logger
    let pagination = KeysetPagination()

    init(database: Database, catalog: StatsCatalog, authenticator: Authenticator, logger: Logger) {
        self.database = database
        self.catalog = catalog
        self.authenticator = authenticator
        self.logger = logger
    }

    /// The caller; UNAUTHENTICATED without a valid access token, PERMISSION_DENIED outside an organization.
    func caller(_ context: ServerContext) throws -> StatsCaller {
        try StatsCaller(principal: try authenticator.authenticate(context))
    }

    /// Runs `body` in a write transaction, mapping storage errors to statuses.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).write(body)
    }

    /// Runs `body` in a read transaction, mapping storage errors to statuses.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).read(body)
    }
}
