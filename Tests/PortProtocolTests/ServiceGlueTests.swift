import PortAPI
import PortProtocol
import PortRPC
import Testing

/// A provider that implements every method of grpc.testing.TestService, to check the generated glue compiles and
/// routes by name.
private struct EchoTestService: Grpc_Testing_TestServiceProvider {
    func emptyCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty { request }

    func unaryCall(
        request: Grpc_Testing_SimpleRequest, context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        var response = Grpc_Testing_SimpleResponse()
        response.payload = request.payload
        return response
    }

    func streamingOutputCall(
        request: Grpc_Testing_StreamingOutputCallRequest,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        for _ in request.responseParameters { try await responses.write(.init()) }
    }

    func streamingInputCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingInputCallRequest>, context: ServerContext
    ) async throws -> Grpc_Testing_StreamingInputCallResponse {
        var response = Grpc_Testing_StreamingInputCallResponse()
        for try await request in requests { response.aggregatedPayloadSize += Int32(request.payload?.body.count ?? 0) }
        return response
    }

    func fullDuplexCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        for try await _ in requests { try await responses.write(.init()) }
    }

    func halfDuplexCall(
        requests: ServerRequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ServerResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {}

    func unimplementedMethod(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        request
    }
}

@Suite("Generated service glue")
struct ServiceGlueTests {
    @Test("the service namespace names the service and its methods")
    func names() {
        #expect(Grpc_Testing_TestService.name == "grpc.testing.TestService")
        #expect(
            Grpc_Testing_TestService.Method.emptyCall
                == RPCMethod(service: "grpc.testing.TestService", method: "EmptyCall"))
        #expect(Grpc_Testing_TestService.Method.fullDuplexCall.path == "/grpc.testing.TestService/FullDuplexCall")
        #expect(Grpc_Health_V1_Health.Method.watch.path == "/grpc.health.v1.Health/Watch")
        #expect(
            Grpc_Reflection_V1alpha_ServerReflection.Method.serverReflectionInfo.path
                == "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")
    }

    @Test("a provider lists one server method per RPC under the service name")
    func provider() {
        let service = EchoTestService()
        #expect(EchoTestService.serviceName == "grpc.testing.TestService")
        #expect(service.methods.count == 7)
    }

    @Test("the client type wraps an RPCClient")
    func clientType() {
        // Only the shape is checked here; calls over a real connection are tested with the runtime.
        let initializer: (RPCClient) -> Grpc_Testing_TestServiceClient = Grpc_Testing_TestServiceClient.init
        _ = initializer
    }
}
