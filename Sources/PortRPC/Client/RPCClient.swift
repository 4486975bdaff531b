import NIOCore
import NIOPosix
import PortProtocol
import Synchronization

/// A gRPC client for one or more server addresses: one HTTP/2 connection per address multiplexes all concurrent
/// calls; calls go round-robin over the addresses; a failed connection is re-established on a later call.
///
/// ```swift
/// let client = try RPCClient(target: "127.0.0.1:50051")
/// let reply = try await client.unary(method, request: request, responseType: Reply.self)
/// await client.close()
/// ```
public final class RPCClient: Sendable {
    /// Connection and call settings.
    public struct Configuration: Sendable {
        public var connectTimeout: Duration = .seconds(5)
        /// Largest response message accepted (RESOURCE_EXHAUSTED above it).
        public var maxReceiveMessageSize: Int = 4 << 20
        public var initialStreamWindow: Int = 1 << 20
        public var connectionWindow: Int = 16 << 20
        public var initialReconnectBackoff: Duration = .milliseconds(100)
        public var maxReconnectBackoff: Duration = .seconds(5)
        public var userAgent = "cyberport-grpc-swift/0.1"
        /// Event-loop threads owned by the client (used when no group is passed).
        public var threads = 1

        public init() {}
    }

    private let subchannels: [Subchannel]
    private let next = Atomic<Int>(0)
    private let group: MultiThreadedEventLoopGroup?

    /// A client for `target`: "host:port", or several separated by commas ("10.0.0.1:50051,10.0.0.2:50051").
    public convenience init(target: String, configuration: Configuration = Configuration()) throws {
        try self.init(addresses: Self.parse(target: target), configuration: configuration)
    }

    /// A client for explicit addresses.
    public init(addresses: [(host: String, port: Int)], configuration: Configuration = Configuration()) throws {
        guard !addresses.isEmpty else { throw RPCError(.invalidArgument, "no server address given") }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        self.group = group
        self.subchannels = addresses.map {
            Subchannel(host: $0.host, port: $0.port, group: group, configuration: configuration)
        }
    }

    /// Closes every connection; running calls fail with UNAVAILABLE.
    public func close() async {
        for subchannel in subchannels { await subchannel.close() }
        try? await group?.shutdownGracefully()
    }

    static func parse(target: String) throws -> [(host: String, port: Int)] {
        try target.split(separator: ",").map { part -> (host: String, port: Int) in
            var text = part.trimmingCharacters(in: " ")
            if text.hasPrefix("dns:///") { text.removeFirst(7) }
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port)
            else { throw RPCError(.invalidArgument, "invalid address \"\(part)\": expected host:port") }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty else { throw RPCError(.invalidArgument, "invalid address \"\(part)\": missing host") }
            return (host, port)
        }
    }

    // MARK: - Calls

    /// A unary call returning only the response message.
    public func unary<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod, request: Req, responseType: Res.Type = Res.self, options: CallOptions = CallOptions()
    ) async throws -> Res {
        try await unaryCall(method, request: request, responseType: responseType, options: options).message
    }

    /// A unary call returning the response with its metadata.
    public func unaryCall<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod, request: Req, responseType: Res.Type = Res.self, options: CallOptions = CallOptions()
    ) async throws -> ClientResponse<Res> {
        let stream = try await open(method, options: options, body: framed(request), endRequest: true)
        let (buffer, initial, trailing) = try await withTaskCancellationHandler {
            try await stream.awaitUnaryResult()
        } onCancel: {
            stream.cancel()
        }
        return ClientResponse(
            message: try decodeMessage(Res.self, from: buffer), initialMetadata: initial, trailingMetadata: trailing)
    }

    /// One request, a stream of responses handled by `onResponse`; the call is cancelled if `onResponse` returns
    /// before the stream ended.
    public func serverStreaming<Req: ProtoMessage, Res: ProtoMessage, R: Sendable>(
        _ method: RPCMethod, request: Req, responseType: Res.Type = Res.self, options: CallOptions = CallOptions(),
        onResponse: (ClientResponseStream<Res>) async throws -> R
    ) async throws -> R {
        let stream = try await open(method, options: options, body: framed(request), endRequest: true)
        return try await withTaskCancellationHandler {
            defer { stream.cancel("the response handler returned before the stream ended") }
            return try await onResponse(ClientResponseStream(stream: stream))
        } onCancel: {
            stream.cancel()
        }
    }

    /// A stream of requests written by `requests`, one response.
    public func clientStreaming<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod, requestType: Req.Type = Req.self, responseType: Res.Type = Res.self,
        options: CallOptions = CallOptions(),
        requests: @escaping @Sendable (ClientRequestWriter<Req>) async throws -> Void
    ) async throws -> Res {
        let stream = try await open(method, options: options, body: ByteBuffer(), endRequest: false)
        let (buffer, _, _) = try await withTaskCancellationHandler {
            do {
                try await requests(ClientRequestWriter(stream: stream))
            } catch {
                stream.cancel("the request writer failed")
                throw error
            }
            stream.endRequest()
            return try await stream.awaitUnaryResult()
        } onCancel: {
            stream.cancel()
        }
        return try decodeMessage(Res.self, from: buffer)
    }

    /// Requests written by `requests` while `onResponse` handles the responses, concurrently.
    public func bidirectionalStreaming<Req: ProtoMessage, Res: ProtoMessage, R: Sendable>(
        _ method: RPCMethod, requestType: Req.Type = Req.self, responseType: Res.Type = Res.self,
        options: CallOptions = CallOptions(),
        requests: @escaping @Sendable (ClientRequestWriter<Req>) async throws -> Void,
        onResponse: (ClientResponseStream<Res>) async throws -> R
    ) async throws -> R {
        let stream = try await open(method, options: options, body: ByteBuffer(), endRequest: false)
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        try await requests(ClientRequestWriter(stream: stream))
                        stream.endRequest()
                    } catch {
                        stream.cancel("the request writer failed: \(error)")
                    }
                }
                defer {
                    stream.cancel("the response handler returned before the stream ended")
                    group.cancelAll()
                }
                return try await onResponse(ClientResponseStream(stream: stream))
            }
        } onCancel: {
            stream.cancel()
        }
    }

    // MARK: - Internals

    private func framed<M: ProtoMessage>(_ message: M) -> ByteBuffer {
        var buffer = ByteBuffer()
        appendFramedMessage(message, to: &buffer)
        return buffer
    }

    /// The effective timeout: the call's own, bounded by the deadline of the server call we run in.
    private func effectiveTimeout(_ options: CallOptions) -> Duration? {
        var timeout = options.timeout
        if let inherited = RPCDeadline.current {
            let remaining = inherited - ContinuousClock.now
            timeout = min(timeout ?? remaining, remaining)
        }
        return timeout
    }

    private func pickSubchannel() -> Subchannel {
        let count = subchannels.count
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        for offset in 0..<count {
            let candidate = subchannels[(start &+ offset) % count]
            if !candidate.isBackingOff { return candidate }
        }
        return subchannels[start % count]
    }

    private func open(_ method: RPCMethod, options: CallOptions, body: ByteBuffer, endRequest: Bool) async throws
        -> ClientStream
    {
        let timeout = effectiveTimeout(options)
        if let timeout, timeout <= .zero { throw RPCError.deadlineExceeded }
        var lastError: (any Error)?
        for _ in 0..<max(2, subchannels.count) {
            let connection: ClientConnectionHandler
            do {
                connection = try await pickSubchannel().connection().get()
            } catch {
                lastError = error
                continue
            }
            let stream = try await connection.eventLoop.submit {
                connection.startCall(
                    method: method, metadata: options.metadata, timeout: timeout, body: body, endRequest: endRequest)
            }.get()
            if stream.id != 0 { return stream }
            lastError = RPCError(.unavailable, "connection to the server was lost before the call started")
        }
        throw lastError ?? RPCError(.unavailable, "no connection")
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
