import Logging
import PortAuth
import PortRPC
import PortStore

/// What the Stats service runs on.
public struct StatsConfiguration: Sendable {
    /// An open database migrated with ``StatsServer/migrations``.
    public var database: Database
    /// Checks callers' access tokens (``IdentityLink/authenticator`` in production).
    public var authenticator: Authenticator
    public var logger: Logger
    /// Where Deals' container movement feed is read (with the Stats service credential); nil: the container figures
    /// stay as they are (nothing is ingested).
    public var movementFeed: ContainerMovementFeedConfiguration?

    public init(
        database: Database, authenticator: Authenticator, logger: Logger,
        movementFeed: ContainerMovementFeedConfiguration? = nil
    ) {
        self.database = database
        self.authenticator = authenticator
        self.logger = logger
        self.movementFeed = movementFeed
    }
}

/// The Stats service assembled: port management (arrival/departure reports, the port statistics survey and its
/// tables) and port infrastructure (facility ledger, inspections, maintenance plans, asset queries).
public enum StatsServer {
    /// The schema every Stats database is migrated to at start-up.
    public static let migrations = StatsMigrations.all

    /// The gRPC services of Stats over the embedded catalog. Throws ``StatsCatalogError`` when the catalog is broken,
    /// which makes that a start-up error. (The movement feed is not read: use ``StatsInstance`` to run that too.)
    public static func services(configuration: StatsConfiguration) throws -> [any RPCService] {
        services(
            context: StatsContext(
                database: configuration.database, catalog: try StatsCatalog.load(),
                authenticator: configuration.authenticator, logger: configuration.logger))
    }

    static func services(context: StatsContext) -> [any RPCService] {
        [
            PortServiceAPI(context: context),
            PortCallAPI(context: context),
            PortSurveyAPI(context: context),
            StatisticalTableAPI(context: context),
            FacilityLedgerAPI(context: context),
            InspectionAPI(context: context),
            AssetQueryAPI(context: context),
        ]
    }
}

/// A running Stats: its gRPC services and its background work (reading Deals' container movement feed).
public final class StatsInstance: Sendable {
    /// The gRPC services to serve.
    public let services: [any RPCService]
    /// Reads the movement feed; nil without a ``StatsConfiguration/movementFeed``.
    public let ingestor: ContainerMovementIngestor?

    /// Throws ``StatsCatalogError`` when the embedded catalog is broken.
    public init(configuration: StatsConfiguration) throws {
        let context = StatsContext(
            database: configuration.database, catalog: try StatsCatalog.load(),
            authenticator: configuration.authenticator, logger: configuration.logger)
        services = StatsServer.services(context: context)
        ingestor = configuration.movementFeed.map {
            ContainerMovementIngestor(database: configuration.database, configuration: $0, logger: configuration.logger)
        }
    }

    /// Starts the background work. Call it once the database is open.
    public func start() async {
        await ingestor?.start()
    }

    /// The server is draining: stops reading the feed.
    public func drain() async {
        await ingestor?.stop()
    }
}
