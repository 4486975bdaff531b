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
        do {
            return try await database.write(body)
        } catch let error as StoreError {
            throw map(error)
        }
    }

    /// Runs `body` in a read transaction, mapping storage errors to statuses.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        do {
            return try await database.read(body)
        } catch let error as StoreError {
            throw map(error)
        }
    }

    private func map(_ error: StoreError) -> RPCError {
        switch error {
        case .uniqueViolation:
            // Uniqueness is checked before writing; this is a concurrent duplicate.
            return APIError.make(.alreadyExists, "a resource with the same unique value already exists", reason: "ALREADY_EXISTS")
        case .serializationFailure:
            return APIError.make(.aborted, "the request conflicted with a concurrent change; retry it", reason: "CONFLICT")
        default:
            logger.error("storage error", metadata: ["error": "\(error)"])
            return RPCError(.unavailable, "storage is unavailable; retry later")
        }
    }

    func shutdown() async {
        await keys.stop()
        await passwords.shutdown()
    }
}
