/// Per-call settings: deadline and request metadata.
public struct CallOptions: Sendable {
    /// How long the call may take; combined with any deadline of the server call this client call is made from.
    public var timeout: Duration?
    /// Custom request metadata.
    public var metadata: Metadata

    public init(timeout: Duration? = nil, metadata: Metadata = Metadata()) {
        self.timeout = timeout
        self.metadata = metadata
    }
}

/// A unary response with the metadata that came with it.
public struct ClientResponse<Message: Sendable>: Sendable {
    public var message: Message
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata

    public init(message: Message, initialMetadata: Metadata, trailingMetadata: Metadata) {
        self.message = message
        self.initialMetadata = initialMetadata
        self.trailingMetadata = trailingMetadata
    }
}

/// The deadline of the server call the current task serves, if any: client calls made from a handler inherit it,
/// so a deadline set by the original caller bounds the whole chain of calls.
public enum RPCDeadline {
    @TaskLocal public static var current: ContinuousClock.Instant?
}
