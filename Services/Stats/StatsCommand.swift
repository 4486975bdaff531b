import ArgumentParser
import PortServiceKit
import PortStore

/// `cyberport-stats`: port management, port infrastructure and the statistics built from them.
@main
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-stats",
        abstract: "Cyber Port Stats service (gRPC, default port 50054).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "stats", defaultPort: 50054))
        // No tables yet: opening the database at start-up checks its configuration (a missing or unreachable
        // database is a start-up error) and records the schema version for the migrations to come.
        let database = try await host.openDatabase(migrations: [])
        try await host.run(services: [StatsAPI()])
        await database.close()
    }
}
