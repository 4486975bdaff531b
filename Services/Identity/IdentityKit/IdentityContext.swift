import Logging
import PortAuth
import PortRPC
import PortServiceKit
import PortStore

/// Everything the Identity handlers share: the database, the configuration, the signing keys, password hashing and
/// the authenticator that checks access tokens locally.
final class IdentityContext: Sendable {
    let database: Database
    let configuration: IdentityConfiguration
    let keys: SigningKeyManager
    let passwords: PasswordService
    let authenticator: Authenticator
    let logger: Logger
    let pagination = KeysetPagination()
    let unknownAccounts: UnknownAccountThrottle

    init(database: Database, configuration: IdentityConfiguration, keys: SigningKeyManager, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.keys = keys
        self.passwords = PasswordService(
            parameters: configuration.passwordHashing, threads: configuration.passwordHashThreads)
        self.authenticator = Authenticator(verifier: keys.verifier)
        self.unknownAccounts = UnknownAccountThrottle(configuration: configuration)
        self.logger = logger
    }

    /// The caller; UNAUTHENTICATED without a valid access token.
    func caller(_ context: ServerContext) throws -> Caller {
        Caller(principal: try authenticator.authenticate(context))
    }

    /// Runs `body` in a write transaction, mapping storage errors to statuses.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).write(body)
    }

    /// Runs `body` in a read transaction, mapping storage errors to statuses.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await StorageCalls(database: database, logger: logger).read(body)
    }

    func shutdown() async {
        await keys.stop()
        await passwords.shutdown()
    }
}
