import ArgumentParser
import PortServiceKit

/// `cyberport-naccs`: the relay between company systems and NACCS.
@main
struct NaccsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-naccs",
        abstract: "Cyber Port Naccs service (gRPC, default port 50053).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "naccs", defaultPort: 50053))
        try await host.run(services: [NaccsAPI()])
    }
}
