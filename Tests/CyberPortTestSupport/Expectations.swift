import PortProtocol
import PortRPC
import Testing

/// The google.rpc details of an error: the ErrorInfo reason and metadata, and the fields BadRequest names.
public struct ErrorDetails: Sendable {
    public var reason: String?
    public var metadata: [String: String] = [:]
    public var fieldViolations: [String] = []

    public init(reason: String? = nil, metadata: [String: String] = [:], fieldViolations: [String] = []) {
        self.reason = reason
        self.metadata = metadata
        self.fieldViolations = fieldViolations
    }
}

extension RPCError {
    public var errorDetails: ErrorDetails {
        var result = ErrorDetails()
        guard let details, let status = try? Google_Rpc_Status(serializedBytes: details) else { return result }
        for any in status.details {
            if any.typeUrl.hasSuffix("/google.rpc.ErrorInfo"), let info = try? Google_Rpc_ErrorInfo(serializedBytes: any.value) {
                result.reason = info.reason
                result.metadata.merge(info.metadata) { $1 }
            } else if any.typeUrl.hasSuffix("/google.rpc.BadRequest"),
                let badRequest = try? Google_Rpc_BadRequest(serializedBytes: any.value)
            {
                result.fieldViolations += badRequest.fieldViolations.map(\.field)
            }
        }
        return result
    }
}

/// Expects `body` to fail with `code`; with `field`, INVALID_ARGUMENT must name it in a BadRequest field violation
/// (other codes in the ErrorInfo metadata "field"); with `reason`, the ErrorInfo reason must match. Returns the
/// error for further checks.
@discardableResult
public func expectRPCError<T>(
    _ code: StatusCode, field: String? = nil, reason: String? = nil, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
) async -> RPCError? {
    let label = comment.map { " (\($0))" } ?? ""
    do {
        _ = try await body()
        Issue.record("expected \(code.name) but the call succeeded\(label)", sourceLocation: sourceLocation)
        return nil
    } catch let error as RPCError {
        #expect(error.code == code, "expected \(code.name), got \(error)\(label)", sourceLocation: sourceLocation)
        let details = error.errorDetails
        if let field {
            if code == .invalidArgument {
                #expect(
                    details.fieldViolations.contains(field),
                    "expected a BadRequest violation of \"\(field)\", got \(details.fieldViolations) (\(error))\(label)",
                    sourceLocation: sourceLocation)
            } else {
                #expect(
                    details.metadata["field"] == field || details.fieldViolations.contains(field),
                    "expected the error to name field \"\(field)\", got \(details.metadata) (\(error))\(label)",
                    sourceLocation: sourceLocation)
            }
        }
        if let reason {
            #expect(
                details.reason == reason, "expected reason \(reason), got \(details.reason ?? "none") (\(error))\(label)",
                sourceLocation: sourceLocation)
        }
        return error
    } catch {
        Issue.record("expected RPCError \(code.name), got \(error)\(label)", sourceLocation: sourceLocation)
        return nil
    }
}
