import Logging
import NaccsMessages
import PortRPC
import PortStore
import PortWebhooks

/// The Naccs service assembled: its schema and a running instance.
public enum NaccsServer {
    /// The schema every Naccs database is migrated to at start-up.
    public static let migrations = NaccsMigrations.all
}

/// A running Naccs relay: its gRPC services, the workers that transmit sends through the NACCS link and write issued
/// numbers back to Deals, and the webhook dispatcher for NaccsReceive events.
public final class NaccsInstance: Sendable {
    /// The gRPC services to serve.
    public let services: [any RPCService]
    private let worker: RelayWorker
    private let dispatcher: WebhookDispatcher?

    /// Loads the NACCS catalog and the permissions table (a broken table is a start-up error).
    public init(configuration: NaccsConfiguration) throws {
        let catalog = try NaccsCatalog.load()
        let permissions = try NaccsPermissions.load(catalog: catalog)
        let context = try NaccsContext(configuration: configuration, catalog: catalog, permissions: permissions)
        if configuration.keyEncryptionKey == nil {
            configuration.logger.warning("no key-encryption key configured: NACCS credentials cannot be created or used")
        }
        dispatcher = configuration.webhookTargets.map { targets in
            WebhookDispatcher(
                database: configuration.database, directory: targets, poster: configuration.webhookPoster,
                configuration: configuration.webhooks, logger: configuration.logger)
        }
        let events = dispatcher
        worker = RelayWorker(context: context, link: configuration.link, notify: { events?.notify() })
        services = [ProcedureAPI(catalog: catalog), CredentialAPI(context: context), RelayAPI(context: context)]
    }

    /// Starts the background work. Call it once the database is open.
    public func start() async {
        worker.start()
        await dispatcher?.start()
    }

    /// Stops transmitting (a send cut short is reconciled by the next instance) and delivering events.
    public func drain() async {
        await worker.stop()
        await dispatcher?.stop()
    }
}
