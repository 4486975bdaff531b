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

    public init(database: Database, authenticator: Authenticator, logger: Logger) {
        self.database = database
        self.authenticator = authenticator
        self.logger = logger
    }
}

/// The Stats service assembled: port management (arrival/departure reports, the port statistics survey and its
/// tables) and port infrastructure (facility ledger, inspections, maintenance plans, asset queries).
public enum StatsServer {
    /// The schema every Stats database is migrated to at start-up.
    public static let migrations = StatsMigrations.all

    /// The gRPC services of Stats over the embedded catalog. Throws ``StatsCatalogError`` when the catalog is broken,
    /// which makes that a start-up error.
    public static func services(configuration: StatsConfiguration) throws -> [any RPCService] {
        let context = StatsContext(
            database: configuration.database, catalog: try StatsCatalog.load(),
            authenticator: configuration.authenticator, logger: configuration.logger)
        return [
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
