import ArgumentParser
import PortServiceKit
import PortStore

/// `cyberport-naccs`: the relay between company systems and NACCS.
@main
struct NaccsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-naccs",
        abstract: "Cyber Port Naccs service (gRPC, default port 50053).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "naccs", defaultPort: 50053))
        // No tables yet: opening the database at start-up checks its configuration (a missing or unreachable
        // database is a start-up error) and records the schema version for the migrations to come.
        let database = try await host.openDatabase(migrations: [])
        try await host.run(services: [NaccsAPI()])
        await database.close()
    }
}
