import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Status codes, messages, metadata and rich error details")
struct StatusAndMetadataTests {
    @Test(arguments: [
        (2, "test status message"),
        (3, "tab\tnewline\n percent% 日本語のメッセージ"),
        (5, ""),
    ])
    func requestedStatusReachesTheClient(code: Int, message: String) async throws {
        try await withTestServer { _, client in
            var request = simpleRequest()
            var status = Grpc_Testing_EchoStatus()
            status.code = Int32(code)
            status.message = message
            request.responseStatus = status
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(TestMethods.unary, request: request, responseType: Grpc_Testing_SimpleResponse.self)
            }
            #expect(error?.code == StatusCode(rawValue: code))
            #expect(error?.message == message)
        }
    }

    @Test func statusFromAStreamingCallAfterResponses() async throws {
        try await withTestServer { _, client in
            var request = streamingRequest(sizes: [1, 2])
            var status = Grpc_Testing_EchoStatus()
            status.code = 9
            status.message = "after two"
            request.responseStatus = status
            var received = 0
            do {
                try await client.serverStreaming(
                    TestMethods.streamingOutput, request: request,
                    responseType: Grpc_Testing_StreamingOutputCallResponse.self
                ) { responses in
                    for try await _ in responses { received += 1 }
                }
                Issue.record("expected the stream to fail")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message == "after two")
            }
            #expect(received == 2)
        }
    }

    @Test func metadataIsEchoedInHeadersAndTrailers() async throws {
        try await withTestServer { _, client in
            var metadata = Metadata()
            metadata.add("x-grpc-test-echo-initial", "test_initial_metadata_value")
            metadata.add("x-grpc-test-echo-trailing-bin", binary: [0xAB, 0xAB, 0xAB, 0x00, 0xFF])
            let response = try await client.unaryCall(
                TestMethods.unary, request: simpleRequest(responseSize: 10),
                responseType: Grpc_Testing_SimpleResponse.self, options: CallOptions(metadata: metadata))
            #expect(response.initialMetadata["x-grpc-test-echo-initial"] == "test_initial_metadata_value")
            #expect(response.trailingMetadata.binaryValue("x-grpc-test-echo-trailing-bin") == [0xAB, 0xAB, 0xAB, 0x00, 0xFF])
        }
    }

    @Test func unknownMethodAndServiceAreUnimplemented() async throws {
        try await withTestServer { _, client in
            for method in [
                RPCMethod(service: "grpc.testing.TestService", method: "UnimplementedMethod"),
                RPCMethod(service: "grpc.testing.UnimplementedService", method: "UnimplementedCall"),
                RPCMethod(service: "no.such.Service", method: "Nothing"),
            ] {
                let error = await #expect(throws: RPCError.self) {
                    _ = try await client.unary(method, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
                }
                #expect(error?.code == .unimplemented, "\(method)")
            }
        }
    }

    @Test func richErrorDetailsTravelInTheStatusDetailsTrailer() async throws {
        let failing = ServerMethod.unary(RPCMethod(service: "test.Errors", method: "Fail")) {
            (_: Grpc_Testing_Empty, _) -> Grpc_Testing_Empty in
            throw APIError.invalidArgument(field: "deal.bl_number", "must be at most 35 characters")
        }
        struct Errors: RPCService {
            static var serviceName: String { "test.Errors" }
            let methods: [ServerMethod]
        }
        try await withTestServer(extraServices: [Errors(methods: [failing])]) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(failing.method, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
            }
            #expect(error?.code == .invalidArgument)
            let status = try Google_Rpc_Status(serializedBytes: try #require(error?.details))
            #expect(status.code == 3)
            #expect(status.message == "deal.bl_number: must be at most 35 characters")
            let badRequest = try #require(status.details.first { $0.typeUrl.hasSuffix("google.rpc.BadRequest") })
            let violations = try Google_Rpc_BadRequest(serializedBytes: badRequest.value).fieldViolations
            #expect(violations.map(\.field) == ["deal.bl_number"])
            #expect(status.details.contains { $0.typeUrl.hasSuffix("google.rpc.ErrorInfo") })
        }
    }
}
