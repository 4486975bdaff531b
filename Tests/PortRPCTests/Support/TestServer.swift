import Logging
import PortAPI
import PortInterop
import PortProtocol
import PortRPC
import PortServiceKit
import Synchronization

/// Starts a real server on a free loopback port with the interop services (plus any extra ones), runs `body` with
/// a real client, then shuts both down.
func withTestServer<R>(
    extraServices: [any RPCService] = [],
    configure: (inout ServerConfiguration) -> Void = { _ in },
    clientConfiguration: RPCClient.Configuration = RPCClient.Configuration(),
    _ body: (RPCServer, RPCClient) async throws -> R
) async throws -> R {
    let server = try await startTestServer(extraServices: extraServices, configure: configure)
    let client = try RPCClient(target: "127.0.0.1:\(server.localPort!)", configuration: clientConfiguration)
    do {
        let result = try await body(server, client)
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        return result
    } catch {
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        throw error
    }
}

func startTestServer(
    serverID: String = "test-server", extraServices: [any RPCService] = [],
    configure: (inout ServerConfiguration) -> Void = { _ in }
) async throws -> RPCServer {
    var configuration = ServerConfiguration()
    configuration.port = 0
    configuration.threads = 1
    configure(&configuration)
    var logger = Logger(label: "test-server")
    logger.logLevel = .warning
    let health = HealthRegistry()
    let services: [any RPCService] =
        [TestServiceImpl(serverID: serverID), BenchmarkServiceImpl(), HealthService(registry: health)] + extraServices
    let server = RPCServer(services: services, configuration: configuration, logger: logger)
    try await server.start()
    for name in server.serviceNames { health.set(name, .serving) }
    health.set("", .serving)
    return server
}

/// Method descriptors of grpc.testing.TestService.
enum TestMethods {
    static let unary = Grpc_Testing_TestService.Method.unaryCall
    static let empty = Grpc_Testing_TestService.Method.emptyCall
    static let streamingOutput = Grpc_Testing_TestService.Method.streamingOutputCall
    static let streamingInput = Grpc_Testing_TestService.Method.streamingInputCall
    static let fullDuplex = Grpc_Testing_TestService.Method.fullDuplexCall
    static let halfDuplex = Grpc_Testing_TestService.Method.halfDuplexCall
}

func simpleRequest(responseSize: Int32 = 0, payloadSize: Int = 0) -> Grpc_Testing_SimpleRequest {
    var request = Grpc_Testing_SimpleRequest()
    request.responseSize = responseSize
    if payloadSize > 0 {
        var payload = Grpc_Testing_Payload()
        payload.body = [UInt8](repeating: 7, count: payloadSize)
        request.payload = payload
    }
    return request
}

func streamingRequest(sizes: [Int32], intervalMicros: Int32 = 0) -> Grpc_Testing_StreamingOutputCallRequest {
    var request = Grpc_Testing_StreamingOutputCallRequest()
    request.responseParameters = sizes.map { size in
        var parameters = Grpc_Testing_ResponseParameters()
        parameters.size = size
        parameters.intervalUs = intervalMicros
        return parameters
    }
    return request
}

/// Records what probe handlers observed, for assertions across the network boundary.
final class ProbeLog: Sendable {
    private let events = Mutex<[String]>([])
    func record(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }

    /// Waits up to `timeout` until `event` was recorded.
    func waitFor(_ event: String, timeout: Duration = .seconds(5)) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if all.contains(event) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// Test-only methods: a handler that waits until cancelled, and one that reports the deadline it was given.
struct ProbeService: RPCService {
    static var serviceName: String { "test.Probe" }
    static let hang = RPCMethod(service: serviceName, method: "Hang")
    static let deadline = RPCMethod(service: serviceName, method: "Deadline")
    static let relay = RPCMethod(service: serviceName, method: "Relay")
    static let hangStream = RPCMethod(service: serviceName, method: "HangStream")

    let log: ProbeLog
    /// Where Relay forwards its call (to another server's Deadline).
    let relayClient: RPCClient?

    var methods: [ServerMethod] {
        [
            .unary(Self.hang) { (_: Grpc_Testing_Empty, _) -> Grpc_Testing_Empty in
                log.record("hang-started")
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    log.record("hang-cancelled")
                    throw error
                }
                return Grpc_Testing_Empty()
            },
            .serverStreaming(Self.hangStream) {
                (_: Grpc_Testing_Empty, responses: ServerResponseWriter<Grpc_Testing_Empty>, _) in
                try await responses.write(Grpc_Testing_Empty())
                log.record("stream-started")
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    log.record("stream-cancelled")
                    throw error
                }
            },
            .unary(Self.deadline) { (_: Grpc_Testing_Empty, context) -> Grpc_Testing_SimpleResponse in
                var response = Grpc_Testing_SimpleResponse()
                if let deadline = context.deadline {
                    let remaining = deadline - ContinuousClock.now
                    response.username = "\(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)"
                } else {
                    response.username = "none"
                }
                return response
            },
            .unary(Self.relay) { (request: Grpc_Testing_Empty, _) -> Grpc_Testing_SimpleResponse in
                guard let relayClient else { throw RPCError(.failedPrecondition, "no relay target") }
                return try await relayClient.unary(ProbeService.deadline, request: request, responseType: Grpc_Testing_SimpleResponse.self)
            },
        ]
    }
}
