import Logging
import PortAuth
import PortRPC
import PortStore
import PortWebhooks

/// What the Deals service runs on.
public struct DealsConfiguration: Sendable {
    /// An open database migrated with ``DealsServer/migrations``.
    public var database: Database
    /// Checks callers' access tokens (``IdentityLink/authenticator`` in production).
    public var authenticator: Authenticator
    /// Looks up organizations added to deals.
    public var directory: any OrganizationDirectory
    public var logger: Logger
    /// Where the webhook targets of organizations are looked up (``IdentityWebhookTargets`` in production); nil: events
    /// stay in the outbox undelivered until an instance with a directory runs.
    public var webhookTargets: (any WebhookTargetDirectory)?
    /// How events are delivered (retries, timeouts, concurrency).
    public var webhooks = WebhookDispatcherConfiguration()
    /// How the webhook requests are sent; nil: libcurl (tests may pass their own).
    public var webhookPoster: (any HTTPPoster)?

    public init(
        database: Database, authenticator: Authenticator, directory: any OrganizationDirectory, logger: Logger,
        webhookTargets: (any WebhookTargetDirectory)? = nil
    ) {
        self.database = database
        self.authenticator = authenticator
        self.directory = directory
        self.logger = logger
        self.webhookTargets = webhookTargets
    }
}

/// The Deals service assembled: the gRPC services it serves.
public enum DealsServer {
    /// The schema every Deals database is migrated to at start-up.
    public static let migrations = DealsMigrations.all

    /// The form catalogue alone (no database, no Identity): the deal methods answer UNIMPLEMENTED. For tests of the
    /// catalogue.
    public static func services() throws -> [any RPCService] {
        [DealAPI(forms: FormDefinitionAPI(catalog: try FormCatalog.load()), context: nil)]
    }

    /// The gRPC services of Deals over the embedded form catalog. Throws `CatalogError` when the catalog is broken,
    /// which makes that a start-up error.
    public static func services(configuration: DealsConfiguration) throws -> [any RPCService] {
        services(catalog: try FormCatalog.load(), configuration: configuration)
    }

    /// The gRPC services of Deals over `catalog`.
    /// (Events are recorded in the outbox but not delivered: use ``DealsInstance`` to run the dispatcher too.)
    public static func services(catalog: FormCatalog, configuration: DealsConfiguration) -> [any RPCService] {
        var configuration = configuration
        configuration.webhookTargets = nil
        return DealsInstance(catalog: catalog, configuration: configuration).services
    }
}

/// A running Deals: its gRPC services and the work they share (watch streams, the delivery of webhook events).
public final class DealsInstance: Sendable {
    /// The gRPC services to serve.
    public let services: [any RPCService]
    private let context: DealsContext

    public init(catalog: FormCatalog, configuration: DealsConfiguration) {
        let dispatcher = configuration.webhookTargets.map { targets in
            WebhookDispatcher(
                database: configuration.database, directory: targets, poster: configuration.webhookPoster,
                configuration: configuration.webhooks, logger: configuration.logger)
        }
        let context = DealsContext(
            database: configuration.database, catalog: catalog, authenticator: configuration.authenticator,
            directory: configuration.directory, logger: configuration.logger, events: dispatcher)
        self.context = context
        services = [
            DealAPI(forms: FormDefinitionAPI(catalog: catalog), context: context), FormAPI(context: context),
            TimelineAPI(context: context), ContainerMovementAPI(context: context),
        ]
    }

    /// Starts the background work (the webhook dispatcher). Call it once the database is open.
    public func start() async {
        await context.events?.start()
    }

    /// The server is draining: ends the WatchDeal streams (they finish with OK) and stops delivering events (a
    /// delivery cut short is retried by the next instance).
    public func drain() async {
        context.changes.close()
        await context.events?.stop()
    }
}
