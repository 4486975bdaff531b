import BenchFixtures
import DealsKit
import Foundation
import Logging
import NaccsKit
import NaccsLink
import NaccsSimulatorKit
import PortAPI
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore
import PortWebhooks

/// Deals, the NACCS simulator and the Naccs relay in-process, assembled as `cyberport-deals`, `naccs-simulator` and
/// `cyberport-naccs` assemble them: each service its own database (named "deals" and "naccs" in the ``BenchStorage``),
/// an ``IdentityLink`` to the in-process Identity with a service credential made by the operator, gRPC servers on
/// 127.0.0.1 (free ports), the relay talking to the simulator over TCP (``NaccsTCPLink``) with its production settings.
final class RelayStack: Sendable {
    let naccsDatabase: Database
    let client: RPCClient
    let relay: Cyberport_Naccs_V1_NaccsRelayServiceClient
    let credentials: Cyberport_Naccs_V1_NaccsCredentialServiceClient
    let deals: Cyberport_Deals_V1_DealServiceClient
    private let stopAll: @Sendable () async -> Void

    private init(
        naccsDatabase: Database, client: RPCClient, dealsClient: RPCClient, stop: @escaping @Sendable () async -> Void
    ) {
        self.naccsDatabase = naccsDatabase
        self.client = client
        relay = Cyberport_Naccs_V1_NaccsRelayServiceClient(client)
        credentials = Cyberport_Naccs_V1_NaccsCredentialServiceClient(client)
        deals = Cyberport_Deals_V1_DealServiceClient(dealsClient)
        stopAll = stop
    }

    /// Stops everything started, in reverse order.
    func stop() async { await stopAll() }

    /// The simulator accepts `users`; it adds `latency` before processing each input.
    static func start(
        identity: IdentityFixture, storage: BenchStorage, users: [NaccsSimulatorUser], latency: Duration,
        serverThreads: Int, logger: Logger
    ) async throws -> RelayStack {
        var cleanup = Cleanup()
        do {
            let operatorOptions = try await identity.operatorOptions()
            let platform = try await identity.auth.getCaller(Cyberport_Identity_V1_GetCallerRequest(), options: operatorOptions)
                .organization

            // Deals.
            let dealsKey = try await identity.createApiKey(
                organization: platform, displayName: "Deals service", serviceName: "deals", as: operatorOptions)
            let dealsDatabase = try await storage.open("deals", migrations: DealsServer.migrations, logger: logger)
            cleanup.add { await dealsDatabase.close() }
            let dealsLink = try await IdentityLink.connect(address: identity.address, serviceCredential: dealsKey.key, logger: logger)
            cleanup.add { await dealsLink.close() }
            let directory = try RPCClient(target: identity.address)
            cleanup.add { await directory.close() }
            let dealsInstance = DealsInstance(
                catalog: try FormCatalog.load(),
                configuration: DealsConfiguration(
                    database: dealsDatabase, authenticator: dealsLink.authenticator,
                    directory: IdentityOrganizationDirectory(client: directory, tokens: dealsLink.serviceToken), logger: logger,
                    webhookTargets: dealsLink.serviceToken.map { IdentityWebhookTargets(client: directory, tokens: $0) }))
            await dealsInstance.start()
            cleanup.add { await dealsInstance.drain() }
            let dealsServer = RPCServer(services: dealsInstance.services, configuration: serverConfiguration(serverThreads), logger: logger)
            try await dealsServer.start()
            cleanup.add { await dealsServer.shutdown(gracePeriod: Duration.seconds(1)) }
            let dealsAddress = "127.0.0.1:\(dealsServer.localPort ?? 0)"
            let dealsClient = try RPCClient(target: dealsAddress)
            cleanup.add { await dealsClient.close() }

            // The simulator.
            let simulator = try NaccsSimulatorServer(
                configuration: NaccsSimulatorConfiguration(users: users, latency: latency), logger: logger)
            try await simulator.start()
            cleanup.add { await simulator.shutdown() }
            let link = NaccsTCPLink(configuration: .init(host: "127.0.0.1", port: simulator.port ?? 0), logger: logger)
            cleanup.add { await link.shutdown() }

            // The relay.
            let naccsKey = try await identity.createApiKey(
                organization: platform, displayName: "Naccs service", serviceName: "naccs", as: operatorOptions)
            let naccsDatabase = try await storage.open("naccs", migrations: NaccsServer.migrations, logger: logger)
            cleanup.add { await naccsDatabase.close() }
            let naccsLink = try await IdentityLink.connect(address: identity.address, serviceCredential: naccsKey.key, logger: logger)
            cleanup.add { await naccsLink.close() }
            let relayDealsClient = try RPCClient(target: dealsAddress)
            cleanup.add { await relayDealsClient.close() }
            let configuration = NaccsConfiguration(
                database: naccsDatabase, authenticator: naccsLink.authenticator,
                deals: DealsRPCGateway(client: relayDealsClient, serviceTokens: naccsLink.serviceToken), link: link,
                keyEncryptionKey: SecretBox.generateKey(), logger: logger,
                webhookTargets: naccsLink.serviceToken.map { IdentityWebhookTargets(client: directory, tokens: $0) })
            let naccs = try NaccsInstance(configuration: configuration)
            await naccs.start()
            cleanup.add { await naccs.drain() }
            let naccsServer = RPCServer(services: naccs.services, configuration: serverConfiguration(serverThreads), logger: logger)
            try await naccsServer.start()
            cleanup.add { await naccsServer.shutdown(gracePeriod: Duration.seconds(1)) }
            let client = try RPCClient(target: "127.0.0.1:\(naccsServer.localPort ?? 0)")
            cleanup.add { await client.close() }
            let steps = cleanup
            return RelayStack(naccsDatabase: naccsDatabase, client: client, dealsClient: dealsClient) { await steps.run() }
        } catch {
            await cleanup.run()
            throw error
        }
    }

    private static func serverConfiguration(_ threads: Int) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = threads
        configuration.shutdownGracePeriod = .seconds(2)
        return configuration
    }

    /// "SQLite 3.45.1" or "PostgreSQL 16.4": the database behind the relay, for the report.
    func databaseVersion() async -> String {
        let backend = naccsDatabase.backend
        return (try? await naccsDatabase.read { session -> String in
            switch backend {
            case .sqlite:
                return "SQLite " + ((try session.queryOne("SELECT sqlite_version() AS version", [])?.string("version")) ?? "?")
            case .postgres:
                return "PostgreSQL " + ((try session.queryOne("SHOW server_version", [])?.string("server_version")) ?? "?")
            }
        }) ?? "unknown"
    }
}

/// Stop steps, run last-added first.
private struct Cleanup: Sendable {
    private var steps: [@Sendable () async -> Void] = []

    mutating func add(_ step: @escaping @Sendable () async -> Void) { steps.append(step) }

    func run() async {
        for step in steps.reversed() { await step() }
    }
}
