import Logging
import PortAuth
import PortRPC
import PortServiceKit
import PortStore

/// The Identity service assembled: opens its keys, creates the bootstrap operator, and hands out the gRPC services.
public final class IdentityServer: Sendable {
    /// The schema every Identity database is migrated to at start-up.
    public static let migrations = IdentityMigrations.all

    let context: IdentityContext

    /// Prepares the service on an open, migrated database.
    public static func start(
        database: Database, configuration: IdentityConfiguration, logger: Logger
    ) async throws -> IdentityServer {
        if configuration.keyEncryptionKey == nil {
            logger.warning("no key-encryption key configured: token-signing keys are stored unencrypted in the database")
        }
        let keys = SigningKeyManager(database: database, configuration: configuration, logger: logger)
        try await keys.load()
        keys.start()
        let context = IdentityContext(database: database, configuration: configuration, keys: keys, logger: logger)
        if let account = configuration.bootstrapOperator {
            try await OperatorBootstrap(context: context).ensure(account)
        }
        return IdentityServer(context: context, janitor: CredentialJanitor(database: database, logger: logger))
    }

    private let janitor: CredentialJanitor

    private init(context: IdentityContext, janitor: CredentialJanitor) {
        self.context = context
        self.janitor = janitor
    }

    /// The gRPC services of Identity.
    public var services: [any RPCService] {
        [
            BusinessTypeAPI(), CompanyAPI(context: context), OrganizationAPI(context: context), UserAPI(context: context),
            AuthAPI(context: context), ApiKeyAPI(context: context), WebhookTargetAPI(context: context),
        ]
    }

    /// Verifies access tokens with this instance's keys (for tests and in-process callers).
    public var verifier: TokenVerifier { context.keys.verifier }

    /// Stops background work (key reloads, the hashing threads). The database is the caller's to close.
    public func shutdown() async {
        janitor.stop()
        await context.shutdown()
    }
}
