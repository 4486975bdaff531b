import PortProtocol
import PortRPC

/// Builders of the errors services return, with google.rpc details (ErrorInfo and BadRequest) in
/// `grpc-status-details-bin` so that clients can tell which field was wrong or which limit was hit (AIP-193).
public enum APIError {
    /// The error domain of this platform's ErrorInfo details.
    public static let domain = "cyberport.open"

    /// INVALID_ARGUMENT naming the field.
    public static func invalidArgument(field: String, _ description: String, reason: String = "INVALID_FIELD") -> RPCError {
        var violation = Google_Rpc_BadRequest.FieldViolation()
        violation.field = field
        violation.description_p = description
        violation.reason = reason
        var badRequest = Google_Rpc_BadRequest()
        badRequest.fieldViolations = [violation]
        return make(
            .invalidArgument, "\(field): \(description)", reason: reason, metadata: ["field": field],
            extra: [pack(badRequest)])
    }

    /// NOT_FOUND for a resource name.
    public static func notFound(_ resourceType: String, name: String) -> RPCError {
        make(.notFound, "\(resourceType) \"\(name)\" not found", reason: "NOT_FOUND", metadata: ["resourceName": name])
    }

    /// An error with an ErrorInfo detail; `metadata` carries every dynamic value of the message.
    public static func make(
        _ code: StatusCode, _ message: String, reason: String, metadata: [String: String] = [:],
        extra: [Google_Protobuf_Any] = []
    ) -> RPCError {
        var info = Google_Rpc_ErrorInfo()
        info.reason = reason
        info.domain = domain
        info.metadata = metadata
        var status = Google_Rpc_Status()
        status.code = Int32(code.rawValue)
        status.message = message
        status.details = [pack(info)] + extra
        return RPCError(code, message, details: status.serializedBytes())
    }

    /// Wraps a message in google.protobuf.Any.
    public static func pack<M: ProtoMessage>(_ message: M) -> Google_Protobuf_Any {
        var any = Google_Protobuf_Any()
        any.typeUrl = "type.googleapis.com/\(M.protoMessageName)"
        any.value = message.serializedBytes()
        return any
    }
}
