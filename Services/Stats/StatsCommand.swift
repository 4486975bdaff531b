import ArgumentParser
import PortServiceKit

/// `cyberport-stats`: port management, port infrastructure and the statistics built from them.
@main
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-stats",
        abstract: "Cyber Port Stats service (gRPC, default port 50054).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "stats", defaultPort: 50054))
        try await host.run(services: [StatsAPI()])
    }
}
