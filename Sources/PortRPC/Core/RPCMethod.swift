/// The name of one RPC: the fully qualified service and the method, e.g. `grpc.testing.TestService` / `UnaryCall`.
public struct RPCMethod: Sendable, Hashable, CustomStringConvertible {
    public var service: String
    public var method: String

    public init(service: String, method: String) {
        self.service = service
        self.method = method
    }

    /// Parses an HTTP/2 `:path` ("/pkg.Service/Method") or the CLI form ("pkg.Service/Method").
    public init?(path: String) {
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : Substring(path)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.service = String(parts[0])
        self.method = String(parts[1])
    }

    /// The HTTP/2 `:path`, e.g. "/grpc.testing.TestService/UnaryCall".
    public var path: String { "/\(service)/\(method)" }

    public var description: String { "\(service)/\(method)" }
}

/// Whether each side of a method sends one message or a stream of them.
public enum RPCKind: Sendable, Hashable {
    case unary
    case serverStreaming
    case clientStreaming
    case bidirectionalStreaming

    /// Whether the client sends a stream of messages.
    public var clientStreams: Bool { self == .clientStreaming || self == .bidirectionalStreaming }
    /// Whether the server sends a stream of messages.
    public var serverStreams: Bool { self == .serverStreaming || self == .bidirectionalStreaming }
}
