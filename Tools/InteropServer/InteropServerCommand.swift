import ArgumentParser
import PortInterop
import PortServiceKit

/// `port-interop-server`: grpc.testing.TestService and BenchmarkService, for interop tests and load tools.
@main
struct InteropServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-interop-server",
        abstract: "gRPC interop and benchmark server (grpc.testing TestService + BenchmarkService; default port 50060).")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let host = try ServiceHost(settings: options.resolve(service: "interop", defaultPort: 50060))
        try await host.run(services: [TestServiceImpl(), BenchmarkServiceImpl()])
    }
}
