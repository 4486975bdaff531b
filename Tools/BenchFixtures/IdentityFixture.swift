import Foundation
import IdentityKit
import Logging
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore
import Synchronization

/// An in-process Identity service on a benchmark database (see ``BenchStorage``), served over gRPC on 127.0.0.1 with
/// a free port, with a bootstrap operator and a client connected to it.
public final class IdentityFixture: Sendable {
    public static let operatorEmail = "operator@bench.cyberport-open.example"
    public static let operatorPassword = "Op3rator-Bench-Console"
    /// How long set-up calls may take.
    public static let setupTimeout = Duration.seconds(60)

    public let configuration: IdentityConfiguration
    public let database: Database
    public let identity: IdentityServer
    public let server: RPCServer
    public let client: RPCClient
    public let port: Int
    private let serving = Mutex(true)

    public let auth: Cyberport_Identity_V1_AuthServiceClient
    public let companies: Cyberport_Identity_V1_CompanyServiceClient
    public let users: Cyberport_Identity_V1_UserServiceClient
    public let apiKeys: Cyberport_Identity_V1_ApiKeyServiceClient

    /// "127.0.0.1:<port>".
    public var address: String { "127.0.0.1:\(port)" }

    private init(
        configuration: IdentityConfiguration, database: Database, identity: IdentityServer, server: RPCServer,
        client: RPCClient, port: Int
    ) {
        self.configuration = configuration
        self.database = database
        self.identity = identity
        self.server = server
        self.client = client
        self.port = port
        auth = Cyberport_Identity_V1_AuthServiceClient(client)
        companies = Cyberport_Identity_V1_CompanyServiceClient(client)
        users = Cyberport_Identity_V1_UserServiceClient(client)
        apiKeys = Cyberport_Identity_V1_ApiKeyServiceClient(client)
    }

    /// Opens Identity's database in `storage` (named "identity"), starts Identity (with the bootstrap operator and
    /// signing keys sealed by a key-encryption key, as in production) and its server, and connects a client.
    public static func start(
        storage: BenchStorage, passwordHashing: PasswordHasher.Parameters, hashThreads: Int, serverThreads: Int,
        logger: Logger
    ) async throws -> IdentityFixture {
        var configuration = IdentityConfiguration()
        configuration.passwordHashing = passwordHashing
        configuration.passwordHashThreads = hashThreads
        // As in production: signing keys sealed at rest (also keeps the "unencrypted keys" warning out of the log).
        configuration.keyEncryptionKey = SecureRandom.bytes(32)
        configuration.bootstrapOperator = OperatorAccount(email: operatorEmail, password: operatorPassword)

        let database = try await storage.open("identity", migrations: IdentityServer.migrations, logger: logger)
        let identity: IdentityServer
        do {
            identity = try await IdentityServer.start(database: database, configuration: configuration, logger: logger)
        } catch {
            await database.close()
            throw error
        }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = serverThreads
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let server = RPCServer(services: identity.services, configuration: serverConfiguration, logger: logger)
        do {
            try await server.start()
            guard let port = server.localPort else { throw BenchError("the server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            // Connect once before anything runs concurrently on the fresh client.
            do {
                _ = try await Cyberport_Identity_V1_AuthServiceClient(client).getSigningKeys(
                    Cyberport_Identity_V1_GetSigningKeysRequest(), options: CallOptions(timeout: .seconds(10)))
            } catch {
                await client.close()
                throw error
            }
            return IdentityFixture(
                configuration: configuration, database: database, identity: identity, server: server, client: client,
                port: port)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            await identity.shutdown()
            await database.close()
            throw error
        }
    }

    /// Stops the gRPC server only (Identity becomes unreachable; the database stays open).
    public func stopServing() async {
        // Once: a second RPCServer.shutdown after the first has finished waits on a future of the stopped event
        // loops and never returns.
        guard serving.withLock({ serving in defer { serving = false }; return serving }) else { return }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// Stops the client, the server and Identity and closes the database (``BenchStorage/removeAll(logger:)``
    /// deletes it).
    public func stop() async {
        await client.close()
        await stopServing()
        await identity.shutdown()
        await database.close()
    }

    // MARK: - Calls

    /// Call options without credentials.
    public var anonymous: CallOptions { CallOptions(timeout: Self.setupTimeout) }

    /// Call options carrying `authorization: Bearer <token>`.
    public static func bearer(_ token: String, timeout: Duration = setupTimeout) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(timeout: timeout, metadata: metadata)
    }

    /// Logs in and returns the access token.
    public func login(_ email: String, _ password: String) async throws -> String {
        var request = Cyberport_Identity_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await auth.login(request, options: anonymous)
        guard let token = response.grant?.accessToken, !token.isEmpty else {
            throw BenchError("Login of \(email) returned no access token")
        }
        return token
    }

    /// The bootstrap operator, logged in.
    public func operatorOptions() async throws -> CallOptions {
        Self.bearer(try await login(Self.operatorEmail, Self.operatorPassword))
    }
}
