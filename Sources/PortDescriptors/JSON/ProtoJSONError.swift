/// Why a value could not be converted between protobuf binary and proto3 JSON. ``path`` names the offending field
/// from the top-level message (`payload.body`, `items[2].name`, `labels["a"]`); it is empty for the message itself.
public struct ProtoJSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Hashable {
        /// The message type (or the type of an `Any`) is not in the descriptor pool.
        case unknownType(String)
        /// A JSON member names no field of the message.
        case unknownField(name: String, messageType: String)
        /// A JSON value has the wrong shape or content for its field, e.g. "expected base64 string, got number".
        case invalidValue(String)
        /// A field was given twice, under its JSON name and its proto name.
        case duplicateField(field: String, firstKey: String, secondKey: String)
        /// Two members of the same oneof were given.
        case oneofConflict(oneof: String, first: String, second: String)
        /// The protobuf bytes are malformed.
        case malformedBinary(String)
        /// Messages nest deeper than the codec's limit.
        case depthLimitExceeded(Int)
        /// The descriptor uses something the codec does not handle (groups).
        case unsupported(String)
    }

    public var path: String
    public var reason: Reason

    public init(path: String, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    /// The reason without the path.
    public var reasonDescription: String {
        switch reason {
        case .unknownType(let name): "unknown message type \(name) (not in the descriptor pool)"
        case .unknownField(let name, let type): "unknown field \"\(name)\" in message \(type)"
        case .invalidValue(let text): text
        case .duplicateField(let field, let first, let second):
            "field \(field) is given more than once (as \"\(first)\" and \"\(second)\")"
        case .oneofConflict(let oneof, let first, let second):
            "fields \(first) and \(second) both set, but they belong to the same oneof \(oneof)"
        case .malformedBinary(let text): "malformed protobuf: \(text)"
        case .depthLimitExceeded(let limit): "messages nest deeper than the limit of \(limit)"
        case .unsupported(let text): text
        }
    }

    public var description: String { path.isEmpty ? reasonDescription : "\(path): \(reasonDescription)" }
}
