import BenchFixtures
import DealsKit
import Foundation
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore
import PortWebhooks

/// Deals in-process, assembled as `cyberport-deals` assembles it: its own database (named "deals" in the
/// ``BenchStorage``), an ``IdentityLink`` to the in-process Identity (access tokens verified locally with Identity's
/// published keys, a service credential made by the operator for AddParticipant and webhook targets), the webhook
/// dispatcher running, served over gRPC on 127.0.0.1 with a free port, and a client connected to it.
final class DealsFixture: Sendable {
    let database: Database
    let link: IdentityLink
    let directoryClient: RPCClient
    let instance: DealsInstance
    let server: RPCServer
    let client: RPCClient
    let port: Int

    let deals: Cyberport_Deals_V1_DealServiceClient
    let forms: Cyberport_Deals_V1_FormServiceClient

    private init(
        database: Database, link: IdentityLink, directoryClient: RPCClient, instance: DealsInstance, server: RPCServer,
        client: RPCClient, port: Int
    ) {
        self.database = database
        self.link = link
        self.directoryClient = directoryClient
        self.instance = instance
        self.server = server
        self.client = client
        self.port = port
        deals = Cyberport_Deals_V1_DealServiceClient(client)
        forms = Cyberport_Deals_V1_FormServiceClient(client)
    }

    /// `storeLogger` is given to Deals' database (see ``StoreRetryTally``).
    static func start(
        identity: IdentityFixture, storage: BenchStorage, serverThreads: Int, logger: Logger, storeLogger: Logger
    ) async throws -> DealsFixture {
        // The service credential: an API key of the operator's platform organization naming the service "deals".
        let operatorOptions = try await identity.operatorOptions()
        let me = try await identity.auth.getCaller(Cyberport_Identity_V1_GetCallerRequest(), options: operatorOptions)
        let credential = try await identity.createApiKey(
            organization: me.organization, displayName: "Deals service", serviceName: "deals", as: operatorOptions)

        let catalog = try FormCatalog.load()
        let database = try await storage.open("deals", migrations: DealsServer.migrations, logger: storeLogger)
        let link: IdentityLink
        let directoryClient: RPCClient
        do {
            link = try await IdentityLink.connect(address: identity.address, serviceCredential: credential.key, logger: logger)
            do {
                directoryClient = try RPCClient(target: identity.address)
            } catch {
                await link.close()
                throw error
            }
        } catch {
            await database.close()
            throw error
        }
        let instance = DealsInstance(
            catalog: catalog,
            configuration: DealsConfiguration(
                database: database, authenticator: link.authenticator,
                directory: IdentityOrganizationDirectory(client: directoryClient, tokens: link.serviceToken),
                logger: logger,
                webhookTargets: link.serviceToken.map { IdentityWebhookTargets(client: directoryClient, tokens: $0) }))
        await instance.start()
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = serverThreads
        configuration.shutdownGracePeriod = .seconds(2)
        let server = RPCServer(services: instance.services, configuration: configuration, logger: logger)
        do {
            try await server.start()
            guard let port = server.localPort else { throw BenchError("the Deals server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            // Connect once before the callers start concurrently on the fresh client.
            var warmUp = Cyberport_Deals_V1_ListFormDefinitionsRequest()
            warmUp.pageSize = 1
            do {
                _ = try await Cyberport_Deals_V1_DealServiceClient(client).listFormDefinitions(
                    warmUp, options: CallOptions(timeout: .seconds(10)))
            } catch {
                await client.close()
                throw error
            }
            return DealsFixture(
                database: database, link: link, directoryClient: directoryClient, instance: instance, server: server,
                client: client, port: port)
        } catch {
            await instance.drain()
            await server.shutdown(gracePeriod: .milliseconds(100))
            await database.close()
            await directoryClient.close()
            await link.close()
            throw error
        }
    }

    /// Stops the client, Deals and its server, and closes the database and the link to Identity.
    func stop() async {
        await client.close()
        await instance.drain()
        await server.shutdown(gracePeriod: .seconds(1))
        await database.close()
        await directoryClient.close()
        await link.close()
    }

    /// "SQLite 3.45.1" or "PostgreSQL 16.4 …": the database server behind Deals, for the report.
    func databaseVersion() async -> String {
        let backend = database.backend
        return (try? await database.read { session -> String in
            switch backend {
            case .sqlite:
                let row = try session.queryOne("SELECT sqlite_version() AS version", [])
                return "SQLite " + ((try row?.string("version")) ?? "?")
            case .postgres:
                let row = try session.queryOne("SHOW server_version", [])
                return "PostgreSQL " + ((try row?.string("server_version")) ?? "?")
            }
        }) ?? "unknown"
    }
}
