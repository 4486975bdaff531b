import ArgumentParser
import PortServiceKit

/// `cyberport-identity`: companies, organizations, users, business types, credentials and tokens.
@main
struct IdentityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport-identity",
        abstract: "Cyber Port Identity service (gRPC, default port 50051).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "identity", defaultPort: 50051))
        try await host.run(services: [IdentityAPI()])
    }
}
