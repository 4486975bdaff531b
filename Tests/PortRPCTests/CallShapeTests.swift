import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("All four call shapes through the real client and server")
struct CallShapeTests {
    @Test func unaryReturnsThePayloadSizeAsked() async throws {
        try await withTestServer { _, client in
            let response = try await client.unary(
                TestMethods.unary, request: simpleRequest(responseSize: 314_159, payloadSize: 271_828),
                responseType: Grpc_Testing_SimpleResponse.self)
            #expect(response.payload?.body.count == 314_159)
            #expect(response.payload?.body.allSatisfy { $0 == 0 } == true)
        }
    }

    @Test func emptyCallThroughTheGeneratedClient() async throws {
        try await withTestServer { _, client in
            let empty = try await Grpc_Testing_TestServiceClient(client).emptyCall(Grpc_Testing_Empty())
            #expect(empty == Grpc_Testing_Empty())
        }
    }

    @Test func serverStreamingSendsOneResponsePerParameter() async throws {
        try await withTestServer { _, client in
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            let received = try await client.serverStreaming(
                TestMethods.streamingOutput, request: streamingRequest(sizes: sizes),
                responseType: Grpc_Testing_StreamingOutputCallResponse.self
            ) { responses in
                var sizes: [Int32] = []
                for try await response in responses { sizes.append(Int32(response.payload?.body.count ?? -1)) }
                return sizes
            }
            #expect(received == sizes)
        }
    }

    @Test func clientStreamingAggregatesPayloadSizes() async throws {
        try await withTestServer { _, client in
            let response = try await client.clientStreaming(
                TestMethods.streamingInput, requestType: Grpc_Testing_StreamingInputCallRequest.self,
                responseType: Grpc_Testing_StreamingInputCallResponse.self
            ) { writer in
                for size in [27_182, 8, 1_828, 45_904] {
                    var request = Grpc_Testing_StreamingInputCallRequest()
                    var payload = Grpc_Testing_Payload()
                    payload.body = [UInt8](repeating: 1, count: size)
                    request.payload = payload
                    try await writer.write(request)
                }
            }
            #expect(response.aggregatedPayloadSize == 74_922)
        }
    }

    @Test func emptyClientStreamAggregatesToZero() async throws {
        try await withTestServer { _, client in
            let response = try await client.clientStreaming(
                TestMethods.streamingInput, requestType: Grpc_Testing_StreamingInputCallRequest.self,
                responseType: Grpc_Testing_StreamingInputCallResponse.self
            ) { _ in }
            #expect(response.aggregatedPayloadSize == 0)
        }
    }

    @Test func fullDuplexPingPong() async throws {
        try await withTestServer { _, client in
            let sizes: [Int32] = [31_415, 9, 2_653, 58_979]
            let (requests, continuation) = AsyncStream.makeStream(of: Int32.self)
            let received = try await client.bidirectionalStreaming(
                TestMethods.fullDuplex, requestType: Grpc_Testing_StreamingOutputCallRequest.self,
                responseType: Grpc_Testing_StreamingOutputCallResponse.self,
                requests: { writer in
                    // Each request is sent only after the previous response arrived: a real ping-pong.
                    for await size in requests { try await writer.write(streamingRequest(sizes: [size])) }
                }
            ) { responses in
                var received: [Int32] = []
                continuation.yield(sizes[0])
                for try await response in responses {
                    received.append(Int32(response.payload?.body.count ?? -1))
                    if received.count < sizes.count { continuation.yield(sizes[received.count]) } else { continuation.finish() }
                }
                return received
            }
            #expect(received == sizes)
        }
    }

    @Test func halfDuplexAnswersAfterTheClientHalfCloses() async throws {
        try await withTestServer { _, client in
            let received = try await client.bidirectionalStreaming(
                TestMethods.halfDuplex, requestType: Grpc_Testing_StreamingOutputCallRequest.self,
                responseType: Grpc_Testing_StreamingOutputCallResponse.self,
                requests: { writer in
                    for size: Int32 in [1, 2, 3] { try await writer.write(streamingRequest(sizes: [size, size * 10])) }
                }
            ) { responses in
                var received: [Int] = []
                for try await response in responses { received.append(response.payload?.body.count ?? -1) }
                return received
            }
            #expect(received == [1, 10, 2, 20, 3, 30])
        }
    }

    @Test func benchmarkStreamingCallAnswersEachRequest() async throws {
        try await withTestServer { _, client in
            let count = try await Grpc_Testing_BenchmarkServiceClient(client).streamingCall(
                requests: { writer in
                    for size: Int32 in 1...50 { try await writer.write(simpleRequest(responseSize: size)) }
                }
            ) { responses in
                var total = 0
                for try await response in responses { total += response.payload?.body.count ?? 0 }
                return total
            }
            #expect(count == (1...50).reduce(0, +))
        }
    }

    @Test func largeServerStreamFlowsWithoutBufferingItAll() async throws {
        try await withTestServer { _, client in
            // 32 MiB in 1 MiB messages: the writer waits for the client's flow-control window.
            let sizes = [Int32](repeating: 1 << 20, count: 32)
            let total = try await client.serverStreaming(
                TestMethods.streamingOutput, request: streamingRequest(sizes: sizes),
                responseType: Grpc_Testing_StreamingOutputCallResponse.self
            ) { responses in
                var total = 0
                for try await response in responses { total += response.payload?.body.count ?? 0 }
                return total
            }
            #expect(total == 32 << 20)
        }
    }
}
