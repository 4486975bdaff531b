import ArgumentParser
import DealsKit
import PortServiceKit
import PortStore

/// `cyberport-deals`: deals, participants, forms, the root document, permissions and the timeline.
@main
struct DealsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-deals",
        abstract: "Cyber Port Deals service (gRPC, default port 50052).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "deals", defaultPort: 50052))
        // The embedded form catalog is parsed and validated first: a broken catalog is a start-up error.
        let services = try DealsServer.services()
        // No tables yet: opening the database at start-up checks its configuration (a missing or unreachable
        // database is a start-up error) and records the schema version for the migrations to come.
        let database = try await host.openDatabase(migrations: [])
        try await host.run(services: services)
        await database.close()
    }
}
