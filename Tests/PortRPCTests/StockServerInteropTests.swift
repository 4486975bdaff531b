import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The project's client against a stock gRPC server (Python grpcio): every call shape, statuses with messages,
/// metadata and deadlines.
@Suite("Project client against a stock gRPC server", .serialized)
struct StockServerInteropTests {
    private func withStockServer(_ body: (RPCClient) async throws -> Void) async throws {
        let server = try StockServer()
        let client = try RPCClient(target: "127.0.0.1:\(server.port)")
        do {
            try await body(client)
        } catch {
            await client.close()
            server.stop()
            throw error
        }
        await client.close()
        server.stop()
    }

    @Test func everyCallShape() async throws {
        try await withStockServer { client in
            let unary = try await client.unary(
                TestMethods.unary, request: simpleRequest(responseSize: 314_159, payloadSize: 271_828),
                responseType: Grpc_Testing_SimpleResponse.self)
            #expect(unary.payload?.body.count == 314_159)

            let streamed = try await client.serverStreaming(
                TestMethods.streamingOutput, request: streamingRequest(sizes: [31_415, 9, 2_653, 58_979]),
                responseType: Grpc_Testing_StreamingOutputCallResponse.self
            ) { responses in
                var sizes: [Int] = []
                for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
                return sizes
            }
            #expect(streamed == [31_415, 9, 2_653, 58_979])

            let aggregated = try await client.clientStreaming(
                TestMethods.streamingInput, requestType: Grpc_Testing_StreamingInputCallRequest.self,
                responseType: Grpc_Testing_StreamingInputCallResponse.self
            ) { writer in
                for size in [27_182, 8, 1_828, 45_904] {
                    var request = Grpc_Testing_StreamingInputCallRequest()
                    var payload = Grpc_Testing_Payload()
                    payload.body = [UInt8](repeating: 0, count: size)
                    request.payload = payload
                    try await writer.write(request)
                }
            }
            #expect(aggregated.aggregatedPayloadSize == 74_922)

            let duplex = try await client.bidirectionalStreaming(
                TestMethods.fullDuplex, requestType: Grpc_Testing_StreamingOutputCallRequest.self,
                responseType: Grpc_Testing_StreamingOutputCallResponse.self,
                requests: { writer in
                    for size: Int32 in [1, 2, 3] { try await writer.write(streamingRequest(sizes: [size])) }
                }
            ) { responses in
                var sizes: [Int] = []
                for try await response in responses { sizes.append(response.payload?.body.count ?? -1) }
                return sizes
            }
            #expect(duplex == [1, 2, 3])
        }
    }

    @Test func statusMetadataAndDeadline() async throws {
        try await withStockServer { client in
            var request = simpleRequest()
            var status = Grpc_Testing_EchoStatus()
            status.code = 2
            status.message = "test status message ✓ 100%"
            request.responseStatus = status
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(TestMethods.unary, request: request, responseType: Grpc_Testing_SimpleResponse.self)
            }
            #expect(error?.code == .unknown)
            #expect(error?.message == "test status message ✓ 100%")

            var metadata = Metadata()
            metadata.add("x-grpc-test-echo-initial", "initial value")
            metadata.add("x-grpc-test-echo-trailing-bin", binary: [0xAB, 0xCD, 0x00, 0xEF])
            let echoed = try await client.unaryCall(
                TestMethods.unary, request: simpleRequest(responseSize: 1), responseType: Grpc_Testing_SimpleResponse.self,
                options: CallOptions(metadata: metadata))
            #expect(echoed.initialMetadata["x-grpc-test-echo-initial"] == "initial value")
            #expect(echoed.trailingMetadata.binaryValue("x-grpc-test-echo-trailing-bin") == [0xAB, 0xCD, 0x00, 0xEF])

            let timeout = await #expect(throws: RPCError.self) {
                try await client.serverStreaming(
                    TestMethods.streamingOutput, request: streamingRequest(sizes: [1, 1], intervalMicros: 2_000_000),
                    responseType: Grpc_Testing_StreamingOutputCallResponse.self, options: CallOptions(timeout: .milliseconds(100))
                ) { responses in
                    for try await _ in responses {}
                }
            }
            #expect(timeout?.code == .deadlineExceeded)

            let missing = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    RPCMethod(service: "grpc.testing.TestService", method: "UnimplementedMethod"),
                    request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
            }
            #expect(missing?.code == .unimplemented)
        }
    }
}
