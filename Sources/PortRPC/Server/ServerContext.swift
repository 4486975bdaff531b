import NIOCore
import Synchronization

/// What a handler knows about its call: the method, the request metadata, the deadline and the peer; and how it
/// sets response metadata.
public struct ServerContext: Sendable {
    public let method: RPCMethod
    /// The request's custom metadata (`user-agent` and `grpc-*` headers other than those the runtime consumes are
    /// included; pseudo-headers, `content-type` and `te` are not).
    public let requestMetadata: Metadata
    /// When the client stops waiting, from `grpc-timeout`; nil when the client set no deadline.
    public let deadline: ContinuousClock.Instant?
    /// The client's address, e.g. "127.0.0.1:53412".
    public let peer: String
    let stream: ServerStream

    init(method: RPCMethod, requestMetadata: Metadata, deadline: ContinuousClock.Instant?, peer: String, stream: ServerStream) {
        self.method = method
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.peer = peer
        self.stream = stream
    }

    /// Sets the response headers' custom metadata; takes effect if called before the first response message.
    public func setInitialMetadata(_ metadata: Metadata) {
        stream.responseMetadata.withLock { $0.initial = metadata }
    }

    /// Adds custom metadata to the trailers.
    public func addTrailingMetadata(_ metadata: Metadata) {
        stream.responseMetadata.withLock { state in
            for (name, value) in metadata { state.trailing.add(name, value: value) }
        }
    }

    /// Whether the call was cancelled by the client, reset, or ran past its deadline.
    public var isCancelled: Bool { Task.isCancelled }
}
