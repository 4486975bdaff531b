import ArgumentParser

/// `port-load`: load for grpc.testing.BenchmarkService on loopback (unary calls or StreamingCall ping-pong), with
/// throughput and latency percentiles from its own histogram. Used by Benchmarks/run.sh.
@main
struct LoadGeneratorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-load",
        abstract: "Load generator for grpc.testing.BenchmarkService on loopback addresses.",
        subcommands: [RunCommand.self, RequestBodyCommand.self],
        defaultSubcommand: RunCommand.self)
}
