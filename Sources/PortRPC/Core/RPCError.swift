/// A failed RPC: a status code, a message, optional trailing metadata and optional rich details (a serialized
/// google.rpc.Status, sent in the `grpc-status-details-bin` trailer).
///
/// Handlers throw it to end a call with a status; clients receive it when a call fails.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var trailingMetadata: Metadata
    /// A serialized google.rpc.Status whose code and message should agree with ``code`` and ``message``.
    public var details: [UInt8]?

    public init(_ code: StatusCode, _ message: String = "", trailingMetadata: Metadata = Metadata(), details: [UInt8]? = nil) {
        self.code = code
        self.message = message
        self.trailingMetadata = trailingMetadata
        self.details = details
    }

    public var description: String { message.isEmpty ? code.name : "\(code.name): \(message)" }

    /// The error for a call that ran past its deadline.
    public static let deadlineExceeded = RPCError(.deadlineExceeded, "deadline exceeded")
}

/// The final status of a call as sent in trailers.
public struct RPCStatus: Sendable, Hashable {
    public var code: StatusCode
    public var message: String

    public init(code: StatusCode, message: String = "") {
        self.code = code
        self.message = message
    }

    public static let ok = RPCStatus(code: .ok)
}
