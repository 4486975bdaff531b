import PortProtocol

/// A service the server can host: its fully qualified name and its methods. Generated `…Provider` protocols
/// conform to it; implement those rather than this protocol directly.
public protocol RPCService: Sendable {
    /// e.g. "grpc.testing.TestService".
    static var serviceName: String { get }
    /// One entry per RPC.
    var methods: [ServerMethod] { get }
}

/// One RPC a server can answer: its name, its kind and the code that runs a call. Build it with the static
/// factories, one per call shape; handlers are ordinary `async` functions.
///
/// Handlers run on the connection's event loop (a task whose executor is the loop): one that never suspends costs no
/// thread hop. Blocking or CPU-heavy work must move itself elsewhere (e.g. to a dedicated executor or thread pool).
public struct ServerMethod: Sendable {
    public let method: RPCMethod
    public let kind: RPCKind
    let run: @Sendable (ServerStream, ServerContext) async -> Void

    init(method: RPCMethod, kind: RPCKind, run: @escaping @Sendable (ServerStream, ServerContext) async -> Void) {
        self.method = method
        self.kind = kind
        self.run = run
    }

    /// One request, one response.
    public static func unary<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod, _ handler: @escaping @Sendable (Req, ServerContext) async throws -> Res
    ) -> ServerMethod {
        ServerMethod(method: method, kind: .unary) { stream, context in
            do {
                let request: Req = try stream.takeSingleRequest()
                let response = try await handler(request, context)
                stream.finish(response: response)
            } catch {
                stream.finish(error: error)
            }
        }
    }

    /// One request, a stream of responses.
    public static func serverStreaming<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod,
        _ handler: @escaping @Sendable (Req, ServerResponseWriter<Res>, ServerContext) async throws -> Void
    ) -> ServerMethod {
        ServerMethod(method: method, kind: .serverStreaming) { stream, context in
            do {
                let request: Req = try stream.takeSingleRequest()
                try await handler(request, ServerResponseWriter(stream: stream), context)
                stream.finish(status: .ok)
            } catch {
                stream.finish(error: error)
            }
        }
    }

    /// A stream of requests, one response.
    public static func clientStreaming<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod, _ handler: @escaping @Sendable (ServerRequestStream<Req>, ServerContext) async throws -> Res
    ) -> ServerMethod {
        ServerMethod(method: method, kind: .clientStreaming) { stream, context in
            do {
                let response = try await handler(ServerRequestStream(stream: stream), context)
                stream.finish(response: response)
            } catch {
                stream.finish(error: error)
            }
        }
    }

    /// Streams in both directions.
    public static func bidirectionalStreaming<Req: ProtoMessage, Res: ProtoMessage>(
        _ method: RPCMethod,
        _ handler: @escaping @Sendable (ServerRequestStream<Req>, ServerResponseWriter<Res>, ServerContext) async throws
            -> Void
    ) -> ServerMethod {
        ServerMethod(method: method, kind: .bidirectionalStreaming) { stream, context in
            do {
                try await handler(ServerRequestStream(stream: stream), ServerResponseWriter(stream: stream), context)
                stream.finish(status: .ok)
            } catch {
                stream.finish(error: error)
            }
        }
    }
}
