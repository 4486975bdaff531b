import ArgumentParser
import PortAPI
import PortProtocol
import PortRPC

/// `port-load run` (the default): C connections × S calls in flight per connection for a fixed duration.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Unary calls or StreamingCall ping-pong against a loopback BenchmarkService for a fixed time.")

    enum Mode: String, ExpressibleByArgument, Sendable {
        case unary, streaming
    }

    @Option(help: "Server address host:port; loopback only (127.0.0.0/8, localhost, ::1).")
    var target: String

    @Option(help: "unary (BenchmarkService.UnaryCall) or streaming (StreamingCall ping-pong).")
    var mode: Mode = .unary

    @Option(help: "HTTP/2 connections.")
    var connections = 1

    @Option(help: "Calls (unary) or streams (streaming) in flight per connection.")
    var streams = 1

    @Option(help: "Measured seconds (at most 3600).")
    var duration: Double = 10

    @Option(help: "Seconds of load before the measured window (not counted).")
    var warmup: Double = 0

    @Option(help: "Payload bytes in each request.")
    var requestSize = 0

    @Option(help: "response_size asked of the server (each response is checked).")
    var responseSize = 16

    @Option(help: "Client event-loop threads.")
    var threads = 1

    @Flag(help: "Print the result as one JSON object instead of text.")
    var json = false

    func validate() throws {
        guard (1...64).contains(connections) else { throw ValidationError("connections must be 1…64") }
        guard (1...1024).contains(streams) else { throw ValidationError("streams must be 1…1024") }
        guard duration > 0 && duration <= 3600 else { throw ValidationError("duration must be in (0, 3600] seconds") }
        guard warmup >= 0 && warmup <= 600 else { throw ValidationError("warmup must be in [0, 600] seconds") }
        guard (1...16).contains(threads) else { throw ValidationError("threads must be 1…16") }
        guard (0...(1 << 22)).contains(requestSize), (0...(1 << 22)).contains(responseSize) else {
            throw ValidationError("sizes must be between 0 and 4 MiB")
        }
        try LoopbackTarget.check(target)
    }

    func run() async throws {
        // Whatever happens, the process ends: the measured time plus warm-up plus a generous grace period.
        armHardStop(afterSeconds: warmup + duration + 30)

        var configuration = RPCClient.Configuration()
        configuration.threads = threads
        configuration.userAgent = "port-load/0.1"
        // One subchannel (one HTTP/2 connection) per listed address; calls go round-robin over them.
        let client = try RPCClient(
            target: Array(repeating: target, count: connections).joined(separator: ","), configuration: configuration)
        let workload = Workload(requestSize: requestSize, responseSize: responseSize)

        // Open every connection before the clock starts: `connections` sequential calls visit each subchannel once.
        var primingCalls = 0
        for _ in 0..<connections {
            _ = try await client.unary(
                Grpc_Testing_BenchmarkService.Method.unaryCall, request: workload.request,
                responseType: Grpc_Testing_SimpleResponse.self)
            primingCalls += 1
        }

        let begin = monotonicNanos()
        let window = MeasuredWindow(
            start: begin + UInt64(warmup * 1e9), end: begin + UInt64((warmup + duration) * 1e9))
        let mode = self.mode
        let slots = connections * streams
        let work = Task {
            await withTaskGroup(of: WorkerResult.self) { group in
                for _ in 0..<slots {
                    group.addTask {
                        switch mode {
                        case .unary: await runUnaryWorker(client: client, workload: workload, window: window)
                        case .streaming: await runStreamingWorker(client: client, workload: workload, window: window)
                        }
                    }
                }
                var total = WorkerResult()
                for await result in group { total.merge(result) }
                return total
            }
        }
        // Calls still outstanding 10 s after the deadline are cancelled.
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(warmup + duration + 10))
            work.cancel()
        }
        let result = await work.value
        let finished = monotonicNanos()
        watchdog.cancel()
        await client.close()

        let report = Report(
            mode: mode.rawValue, target: target, connections: connections, streamsPerConnection: streams,
            durationSeconds: duration, warmupSeconds: warmup, requestSize: requestSize, responseSize: responseSize,
            result: result, primingCalls: primingCalls,
            elapsedSeconds: Double(finished - begin) / 1e9)
        print(json ? report.json() : report.text())
    }
}

/// Only loopback targets: this tool must never send load anywhere else.
enum LoopbackTarget {
    static func check(_ target: String) throws {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65535).contains(port)
        else { throw ValidationError("target must be host:port") }
        var host = String(target[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard isLoopback(host) else {
            throw ValidationError("target host \"\(host)\" is not a loopback address (127.0.0.0/8, localhost, ::1)")
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }),
            let first = Int(parts[0]), first == 127
        else { return false }
        return parts.allSatisfy { Int($0).map { $0 <= 255 } ?? false }
    }
}
