import Logging
import PortAuth
import PortRPC
import PortServiceKit
import PortStore
import PortWebhooks

/// Everything the Deals handlers share.
final class DealsContext: Sendable {
    let database: Database
    let catalog: FormCatalog
    let authenticator: Authenticator
    let directory: any OrganizationDirectory
    let logger: Logger
    let pagination = KeysetPagination()
    /// Wakes WatchDeal streams after a deal changed.
    let changes = DealChangeNotifier()
    /// Delivers the webhook events of the outbox; nil when this instance delivers none.
    let events: WebhookDispatcher?

    init(
        database: Database, catalog: FormCatalog, authenticator: Authenticator,
        directory: any OrganizationDirectory, logger: Logger, events: WebhookDispatcher? = nil
    ) {
        self.events = events
        self.database = database
        self.catalog = catalog
        self.authenticator = authenticator
        self.directory = directory
        self.logger = logger
    }

    /// The caller; UNAUTHENTICATED without a valid access token, PERMISSION_DENIED outside an organization.
    func caller(_ context: ServerContext) throws -> DealCaller {
        try DealCaller(principal: try authenticator.authenticate(context))
    }

    /// After a write transaction that changed `dealNumber` committed: wakes its watchers and the event dispatcher.
    func committed(deal dealNumber: String) {
        changes.dealChanged(dealNumber)
        events?.notify()
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
