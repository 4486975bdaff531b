// grpc-swift-baseline-server: grpc.testing.BenchmarkService on stock grpc-swift-2 (GRPCCore +
// GRPCNIOTransportHTTP2.Posix + GRPCProtobuf), the comparison peer of Benchmarks/run.sh.
//
//   grpc-swift-baseline-server --host 127.0.0.1 --port 50071 --threads 1 --max-concurrent-streams 256
//
// --threads sizes the transport's own event-loop group (the project's server gets the same --threads); the
// handlers run on Swift's cooperative pool as grpc-swift-2 always does. Pin the process (taskset) for a fair
// comparison: then every thread of it shares the one core.
import GRPCCore
import GRPCNIOTransportHTTP2
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var host = "127.0.0.1"
    var port = 50071
    var threads = 1
    var maxConcurrentStreams: Int? = 256

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 0
        func value(_ name: String) -> String {
            index += 1
            guard index < arguments.count else { fail("\(name) needs a value") }
            return arguments[index]
        }
        func number(_ name: String) -> Int {
            let text = value(name)
            guard let number = Int(text), number >= 0 else { fail("\(name): \"\(text)\" is not a whole number") }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--host": options.host = value("--host")
            case "--port": options.port = number("--port")
            case "--threads": options.threads = max(1, number("--threads"))
            case "--max-concurrent-streams":
                let streams = number("--max-concurrent-streams")
                options.maxConcurrentStreams = streams == 0 ? nil : streams
            case "--log-level": _ = value("--log-level")  // accepted for symmetry with port-interop-server; no logs
            case "-h", "--help":
                print("usage: grpc-swift-baseline-server [--host H] [--port P] [--threads N] [--max-concurrent-streams N|0]")
                exit(0)
            case let other: fail("unknown argument \(other)")
            }
            index += 1
        }
        return options
    }

    static func fail(_ message: String) -> Never {
        printError("grpc-swift-baseline-server: \(message)")
        exit(64)
    }
}

/// One line to standard error.
func printError(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

let options = Options.parse(Array(CommandLine.arguments.dropFirst()))
let group = MultiThreadedEventLoopGroup(numberOfThreads: options.threads)
let transport = HTTP2ServerTransport.Posix(
    address: .ipv4(host: options.host, port: options.port),
    transportSecurity: .plaintext,
    config: .defaults { config in
        config.http2.maxConcurrentStreams = options.maxConcurrentStreams
    },
    eventLoopGroup: group)
let server = GRPCServer(transport: transport, services: [BenchmarkService()])

try await withThrowingDiscardingTaskGroup { tasks in
    tasks.addTask { try await server.serve() }
    if let address = try await transport.listeningAddress.ipv4 {
        printError("grpc-swift-baseline-server listening on \(address.host):\(address.port)")
    }
}
