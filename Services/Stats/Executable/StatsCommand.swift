import ArgumentParser
import Foundation
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

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        func env(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let address = identityAddress ?? env("CYBERPORT_STATS_IDENTITY_ADDRESS") ?? env("CYBERPORT_IDENTITY_ADDRESS")
            ?? "127.0.0.1:50051"
        guard !address.isEmpty else { throw ValidationError("--identity-address must not be empty") }
        let host = try ServiceHost(settings: options.resolve(service: "stats", defaultPort: 50054))
        // The database first (a configuration error there is reported before Identity is tried), then Identity:
        // Stats verifies access tokens with the keys Identity publishes, so it starts only when Identity is reachable.
        let database = try await host.openDatabase(migrations: StatsServer.migrations)
        let link: IdentityLink
        do {
            link = try await IdentityLink.connect(address: address, serviceCredential: nil, logger: host.logger)
        } catch {
            await database.close()
            throw error
        }
        do {
            // The embedded catalog is parsed and validated here: a broken catalog is a start-up error.
            let services = try StatsServer.services(
                configuration: StatsConfiguration(database: database, authenticator: link.authenticator, logger: host.logger))
            try await host.run(services: services)
        } catch {
            await database.close()
            await link.close()
            throw error
        }
        await database.close()
        await link.close()
    }
}
