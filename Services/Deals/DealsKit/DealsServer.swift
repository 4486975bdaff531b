import Logging
import PortAuth
import PortRPC
import PortStore

/// What the Deals service runs on.
public struct DealsConfiguration: Sendable {
    /// An open database migrated with ``DealsServer/migrations``.
    public var database: Database
    /// Checks callers' access tokens (``IdentityLink/authenticator`` in production).
    public var authenticator: Authenticator
    /// Looks up organizations added to deals.
    public var directory: any OrganizationDirectory
    public var logger: Logger

    public init(database: Database, authenticator: Authenticator, directory: any OrganizationDirectory, logger: Logger) {
        self.database = database
        self.authenticator = authenticator
        self.directory = directory
        self.logger = logger
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
    public static func services(catalog: FormCatalog, configuration: DealsConfiguration) -> [any RPCService] {
        let context = DealsContext(
            database: configuration.database, catalog: catalog, authenticator: configuration.authenticator,
            directory: configuration.directory, logger: configuration.logger)
        return [DealAPI(forms: FormDefinitionAPI(catalog: catalog), context: context), FormAPI(context: context)]
    }
}
