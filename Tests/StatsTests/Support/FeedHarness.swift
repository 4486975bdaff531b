import CyberPortTestSupport
import DealsKit
import Foundation
import IdentityKit
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortStore
import StatsKit

/// Identity, Deals and Stats in-process for one test: Deals records container movements; Stats reads them with a
/// real "stats" service credential through Deals' ContainerMovementService. Tests drive the ingestion with
/// ``ContainerMovementIngestor/ingestAvailable()`` (or start its loop themselves).
final class FeedHarness: Sendable {
    let stats: StatsHarness
    let dealsDatabase: TestDatabase
    let dealsStore: Database
    let dealsServer: RPCServer
    let dealsClient: RPCClient
    let instance: StatsInstance
    let ingestor: ContainerMovementIngestor
    let feed: ContainerMovementFeedConfiguration

    var identity: IdentityHarness { stats.identity }
    var tables: Cyberport_Stats_V1_StatisticalTableServiceClient { stats.tables }

    private init(
        stats: StatsHarness, dealsDatabase: TestDatabase, dealsStore: Database, dealsServer: RPCServer,
        dealsClient: RPCClient, instance: StatsInstance, ingestor: ContainerMovementIngestor,
        feed: ContainerMovementFeedConfiguration
    ) {
        self.stats = stats
        self.dealsDatabase = dealsDatabase
        self.dealsStore = dealsStore
        self.dealsServer = dealsServer
        self.dealsClient = dealsClient
        self.instance = instance
        self.ingestor = ingestor
        self.feed = feed
    }

    static func start(identity: IdentityHarness, backend: TestBackend) async throws -> FeedHarness {
        let dealsDatabase = try TestDatabase(backend, prefix: "feeddeals")
        let dealsStore = try await dealsDatabase.open(migrations: DealsServer.migrations)
        let services = DealsServer.services(
            catalog: try FormCatalog.load(),
            configuration: DealsConfiguration(
                database: dealsStore, authenticator: Authenticator(verifier: identity.identity.verifier),
                directory: IdentityOrganizationDirectory(client: identity.client, tokens: nil), logger: TestLog.quiet))
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = 1
        let dealsServer = RPCServer(services: services, configuration: serverConfiguration, logger: TestLog.quiet)
        let stats: StatsHarness
        let dealsClient: RPCClient
        do {
            try await dealsServer.start()
            guard let port = dealsServer.localPort else { throw TestSetupError("the Deals server has no local port") }
            dealsClient = try RPCClient(target: "127.0.0.1:\(port)")
            // One call before the test runs (see IdentityHarness: concurrent first calls on a fresh client race).
            _ = try await Cyberport_Deals_V1_DealServiceClient(dealsClient).listFormDefinitions(
                Cyberport_Deals_V1_ListFormDefinitionsRequest(), options: CallOptions(timeout: .seconds(10)))
            stats = try await StatsHarness.start(identity: identity, backend: backend)
        } catch {
            await dealsServer.shutdown(gracePeriod: .milliseconds(100))
            await dealsStore.close()
            await dealsDatabase.destroy()
            throw error
        }
        let feed: ContainerMovementFeedConfiguration
        let instance: StatsInstance
        let ingestor: ContainerMovementIngestor
        do {
            let tokens = identity.serviceTokens(try await identity.serviceCredential("stats"))
            var configuration = ContainerMovementFeedConfiguration(
                source: DealsContainerMovementSource(client: dealsClient, tokens: tokens))
            configuration.pollInterval = .milliseconds(50)
            configuration.retryDelay = .milliseconds(50)
            // Small pages, so that ingestion takes several rounds.
            configuration.pageSize = 2
            feed = configuration
            instance = try StatsInstance(
                configuration: StatsConfiguration(
                    database: stats.store, authenticator: Authenticator(verifier: identity.identity.verifier),
                    logger: TestLog.quiet, movementFeed: configuration))
            guard let made = instance.ingestor else { throw TestSetupError("no ingestor with a movement feed") }
            ingestor = made
        } catch {
            await stats.stop()
            await dealsClient.close()
            await dealsServer.shutdown(gracePeriod: .milliseconds(100))
            await dealsStore.close()
            await dealsDatabase.destroy()
            throw error
        }
        return FeedHarness(
            stats: stats, dealsDatabase: dealsDatabase, dealsStore: dealsStore, dealsServer: dealsServer,
            dealsClient: dealsClient, instance: instance, ingestor: ingestor, feed: feed)
    }

    func stop() async {
        await instance.drain()
        await stats.stop()
        await dealsClient.close()
        await dealsServer.shutdown(gracePeriod: .seconds(1))
        await dealsStore.close()
        await dealsDatabase.destroy()
    }

    /// A new ingestor on the same Stats database, as after a restart.
    func restartedIngestor() -> ContainerMovementIngestor {
        ContainerMovementIngestor(database: stats.store, configuration: feed, logger: TestLog.quiet)
    }

    /// An export deal of `shipper` (on Deals).
    func exportDeal(_ shipper: Member, name: String) async throws -> Cyberport_Deals_V1_Deal {
        var deal = Cyberport_Deals_V1_Deal()
        deal.displayName = name
        deal.direction = .export
        deal.ownerBusinessType = "shipperOrConsignee"
        deal.loadType = .fcl
        var request = Cyberport_Deals_V1_CreateDealRequest()
        request.deal = deal
        return try await Cyberport_Deals_V1_DealServiceClient(dealsClient).createDeal(request, options: shipper.options)
    }

    func figures(
        _ port: String, year: Int32, month: Int32, by member: Member
    ) async throws -> Cyberport_Stats_V1_ContainerMovementFigures {
        var request = Cyberport_Stats_V1_GetContainerMovementFiguresRequest()
        request.port = "ports/\(port)"
        request.year = year
        request.month = month
        return try await tables.getContainerMovementFigures(request, options: member.options)
    }
}

/// Runs `body` with Identity, Deals and Stats on `backend`.
func withFeed(_ backend: TestBackend, _ body: (FeedHarness) async throws -> Void) async throws {
    try await withIdentity(backend, prefix: "feed") { identity in
        let harness = try await FeedHarness.start(identity: identity, backend: backend)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

extension Cyberport_Stats_V1_ContainerMovementFigures {
    /// The figure of one kind.
    func figure(_ kind: Cyberport_Stats_V1_ContainerMovementKind) -> Cyberport_Stats_V1_ContainerMovementFigure? {
        figures.first { $0.kind == kind }
    }
}
