import ArgumentParser
import PortServiceKit

/// `cyberport-deals`: deals, participants, forms, the root document, permissions and the timeline.
@main
struct DealsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-deals",
        abstract: "Cyber Port Deals service (gRPC, default port 50052).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "deals", defaultPort: 50052))
        try await host.run(services: [DealsAPI()])
    }
}
