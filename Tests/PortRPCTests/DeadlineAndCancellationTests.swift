import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Deadlines and cancellation reach the handler")
struct DeadlineAndCancellationTests {
    @Test func expiredDeadlineFailsTheCallAndCancelsTheHandler() async throws {
        let log = ProbeLog()
        try await withTestServer(extraServices: [ProbeService(log: log, relayClient: nil)]) { _, client in
            let start = ContinuousClock.now
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    ProbeService.hang, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self,
                    options: CallOptions(timeout: .milliseconds(200)))
            }
            #expect(error?.code == .deadlineExceeded)
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(await log.waitFor("hang-cancelled"), "the server handler was not cancelled")
        }
    }

    @Test func tinyDeadlineOnASleepingStream() async throws {
        try await withTestServer { _, client in
            let error = await #expect(throws: RPCError.self) {
                try await client.bidirectionalStreaming(
                    TestMethods.fullDuplex, requestType: Grpc_Testing_StreamingOutputCallRequest.self,
                    responseType: Grpc_Testing_StreamingOutputCallResponse.self,
                    options: CallOptions(timeout: .milliseconds(1)),
                    requests: { writer in try await writer.write(streamingRequest(sizes: [27_182], intervalMicros: 500_000)) }
                ) { responses in
                    for try await _ in responses {}
                }
            }
            #expect(error?.code == .deadlineExceeded)
        }
    }

    @Test func serverSeesTheClientDeadline() async throws {
        let log = ProbeLog()
        try await withTestServer(extraServices: [ProbeService(log: log, relayClient: nil)]) { _, client in
            let response = try await client.unary(
                ProbeService.deadline, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_SimpleResponse.self,
                options: CallOptions(timeout: .seconds(3)))
            let remaining = try #require(Int(response.username))
            #expect(remaining > 2_000 && remaining <= 3_000)
            let none = try await client.unary(
                ProbeService.deadline, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_SimpleResponse.self)
            #expect(none.username == "none")
        }
    }

    @Test func deadlinePropagatesThroughAServerThatCallsAnother() async throws {
        let log = ProbeLog()
        let downstream = try await startTestServer(extraServices: [ProbeService(log: log, relayClient: nil)])
        let relayClient = try RPCClient(target: "127.0.0.1:\(downstream.localPort!)")
        try await withTestServer(extraServices: [ProbeService(log: log, relayClient: relayClient)]) { _, client in
            let response = try await client.unary(
                ProbeService.relay, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_SimpleResponse.self,
                options: CallOptions(timeout: .seconds(2)))
            let remaining = try #require(Int(response.username), "downstream saw no deadline: \(response.username)")
            #expect(remaining > 1_000 && remaining <= 2_000)
        }
        await relayClient.close()
        await downstream.shutdown(gracePeriod: .seconds(1))
    }

    @Test func cancellingTheClientTaskCancelsTheServerHandler() async throws {
        let log = ProbeLog()
        try await withTestServer(extraServices: [ProbeService(log: log, relayClient: nil)]) { _, client in
            let call = Task {
                try await client.serverStreaming(
                    ProbeService.hangStream, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self
                ) { responses in
                    for try await _ in responses {}
                }
            }
            #expect(await log.waitFor("stream-started"))
            call.cancel()
            let result = await call.result
            #expect(throws: RPCError.self) { try result.get() }
            #expect(await log.waitFor("stream-cancelled"), "RST_STREAM did not cancel the handler")
            // The connection still serves new calls.
            let reply = try await client.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
            #expect(reply == Grpc_Testing_Empty())
        }
    }

    @Test func returningEarlyFromAResponseHandlerCancelsTheStream() async throws {
        try await withTestServer { _, client in
            let first = try await client.serverStreaming(
                Grpc_Testing_BenchmarkService.Method.streamingFromServer, request: simpleRequest(responseSize: 100),
                responseType: Grpc_Testing_SimpleResponse.self
            ) { responses in
                var iterator = responses.makeAsyncIterator()
                return try await iterator.next()?.payload?.body.count
            }
            #expect(first == 100)
            let again = try await client.unary(TestMethods.unary, request: simpleRequest(responseSize: 3), responseType: Grpc_Testing_SimpleResponse.self)
            #expect(again.payload?.body.count == 3)
        }
    }
}
