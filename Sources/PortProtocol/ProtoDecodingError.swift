/// Why bytes could not be decoded as a protobuf message.
public struct ProtoDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fully qualified name of the message being decoded, e.g. "grpc.testing.SimpleRequest".
    public var messageName: String
    /// What was wrong, e.g. "malformed protobuf" or "field 'username' is not valid UTF-8".
    public var reason: String

    public init(messageName: String, reason: String) {
        self.messageName = messageName
        self.reason = reason
    }

    public var description: String { "cannot decode \(messageName): \(reason)" }
}
