import PortAPI
import PortProtocol
import PortRPC

/// `grpc.testing.TestService` with the semantics of gRPC's interop test server, so stock interop clients can test
/// this runtime: payload sizes, requested statuses, metadata echo and every call shape.
public struct TestServiceImpl: Grpc_Testing_TestServiceProvider {
    public static let echoInitial = "x-grpc-test-echo-initial"
    public static let echoTrailing = "x-grpc-test-echo-trailing-bin"
    /// Returned in `server_id` when a request sets `fill_server_id`.
    public let serverID: String

    public init(serverID: String = "cyberport-interop") {
        self.serverID = serverID
    }

    public func emptyCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        echoMetadata(context)
        return Grpc_Testing_Empty()
    }

    public func unaryCall(request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws -> Grpc_Testing_SimpleResponse {
        echoMetadata(context)
        try throwRequestedStatus(request.responseStatus)
        var response = Grpc_Testing_SimpleResponse()
        response.payload = try payload(size: request.responseSize)
        if request.fillServerId { response.serverId = serverID }
        return response
    }

    public func streamingOutputCall(
        request: Grpc_Testing_StreamingOutputCallRequest,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        try await respond(to: request.responseParameters, with: responses)
        try throwRequestedStatus(request.responseStatus)
    }

    public func streamingInputCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingInputCallRequest>, context: ServerContext
    ) async throws -> Grpc_Testing_StreamingInputCallResponse {
        echoMetadata(context)
        var total = 0
        for try await request in requests { total += request.payload?.body.count ?? 0 }
        var response = Grpc_Testing_StreamingInputCallResponse()
        response.aggregatedPayloadSize = Int32(clamping: total)
        return response
    }

    public func fullDuplexCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await request in requests {
            try throwRequestedStatus(request.responseStatus)
            try await respond(to: request.responseParameters, with: responses)
        }
    }

    public func halfDuplexCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
        for try await request in requests { buffered.append(request) }
        for request in buffered {
            try throwRequestedStatus(request.responseStatus)
            try await respond(to: request.responseParameters, with: responses)
        }
    }

    public func unimplementedMethod(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        throw RPCError(.unimplemented, "grpc.testing.TestService/UnimplementedMethod is not implemented")
    }

    private func respond(
        to parameters: [Grpc_Testing_ResponseParameters],
        with responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>
    ) async throws {
        for parameter in parameters {
            if parameter.intervalUs > 0 { try await Task.sleep(for: .microseconds(parameter.intervalUs)) }
            var response = Grpc_Testing_StreamingOutputCallResponse()
            response.payload = try payload(size: parameter.size)
            try await responses.write(response)
        }
    }

    private func payload(size: Int32) throws -> Grpc_Testing_Payload {
        guard size >= 0 else { throw RPCError(.invalidArgument, "response size must not be negative (got \(size))") }
        var payload = Grpc_Testing_Payload()
        payload.body = [UInt8](repeating: 0, count: Int(size))
        return payload
    }

    private func throwRequestedStatus(_ status: Grpc_Testing_EchoStatus?) throws {
        guard let status, status.code != 0 else { return }
        throw RPCError(StatusCode(rawValue: Int(status.code)), status.message)
    }

    private func echoMetadata(_ context: ServerContext) {
        if let value = context.requestMetadata[Self.echoInitial] {
            context.setInitialMetadata([Self.echoInitial: value])
        }
        if let value = context.requestMetadata.binaryValue(Self.echoTrailing) {
            var trailing = Metadata()
            trailing.add(Self.echoTrailing, binary: value)
            context.addTrailingMetadata(trailing)
        }
    }
}
