import ArgumentParser
import Foundation
import Logging
import PortRPC
import PortServiceKit
import PortStore
import StatsKit

/// `cyberport-stats`: port management (arrival/departure reports, the port statistics survey and its tables) and
/// port infrastructure (facility ledger, inspections, maintenance plans).
@main
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-stats",
        abstract: "Cyber Port Stats service (gRPC, default port 50054).")

    @OptionGroup var options: CommonOptions

    @Option(
        name: .customLong("identity-address"),
        help: "Identity's address host:port[,host:port…] (env CYBERPORT_STATS_IDENTITY_ADDRESS, then CYBERPORT_IDENTITY_ADDRESS; default 127.0.0.1:50051). Stats starts only when Identity is reachable.")
    var identityAddress: String?

    @Option(
        name: .customLong("deals-address"),
        help: "Deals' address host:port[,host:port…], where the container movement feed is read (env CYBERPORT_STATS_DEALS_ADDRESS, then CYBERPORT_DEALS_ADDRESS; default 127.0.0.1:50052). Needs the service credential CYBERPORT_STATS_SERVICE_CREDENTIAL.")
    var dealsAddress: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let address = identityAddress ?? env("CYBERPORT_STATS_IDENTITY_ADDRESS") ?? env("CYBERPORT_IDENTITY_ADDRESS")
            ?? "127.0.0.1:50051"
        guard !address.isEmpty else { throw ValidationError("--identity-address must not be empty") }
        let deals = dealsAddress ?? env("CYBERPORT_STATS_DEALS_ADDRESS") ?? env("CYBERPORT_DEALS_ADDRESS") ?? "127.0.0.1:50052"
        guard !deals.isEmpty else { throw ValidationError("--deals-address must not be empty") }
        // An API key with service_name "stats", made by an operator (ApiKeyService.CreateApiKey); only reading Deals'
        // container movement feed needs it.
        let credential = env("CYBERPORT_STATS_SERVICE_CREDENTIAL")
        let host = try ServiceHost(settings: options.resolve(service: "stats", defaultPort: 50054))
        // The database first (a configuration error there is reported before Identity is tried), then Identity:
        // Stats verifies access tokens with the keys Identity publishes, so it starts only when Identity is reachable.
        let database = try await host.openDatabase(migrations: StatsServer.migrations)
        let link: IdentityLink
        do {
            link = try await IdentityLink.connect(address: address, serviceCredential: credential, logger: host.logger)
        } catch {
            await database.close()
            throw error
        }
        // Deals need not be up: the feed is read in the background, retrying until it answers.
        var dealsClient: RPCClient?
        var feed: ContainerMovementFeedConfiguration?
        if let tokens = link.serviceToken {
            do {
                let client = try RPCClient(target: deals)
                dealsClient = client
                feed = ContainerMovementFeedConfiguration(source: DealsContainerMovementSource(client: client, tokens: tokens))
            } catch {
                await link.close()
                await database.close()
                throw ServiceStartupError("deals address \"\(deals)\": \(error)")
            }
            host.logger.info("reading the container movement feed of Deals", metadata: ["deals.address": "\(deals)"])
        } else {
            host.logger.warning(
                "no service credential (CYBERPORT_STATS_SERVICE_CREDENTIAL): the container movement figures are not fed from Deals")
        }
        do {
            // The embedded catalog is parsed and validated here: a broken catalog is a start-up error.
            let stats = try StatsInstance(
                configuration: StatsConfiguration(
                    database: database, authenticator: link.authenticator, logger: host.logger, movementFeed: feed))
            await stats.start()
            do {
                try await host.run(services: stats.services, onDrain: { await stats.drain() })
            } catch {
                await stats.drain()
                throw error
            }
        } catch {
            await dealsClient?.close()
            await database.close()
            await link.close()
            throw error
        }
        await dealsClient?.close()
        await database.close()
        await link.close()
    }
}
