import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test func inFlightCallsFinishAndNewConnectionsAreRefused() async throws {
        let server = try await startTestServer()
        let port = server.localPort!
        let client = try RPCClient(target: "127.0.0.1:\(port)")
        // 20 responses, 50 ms apart: about one second of work in flight when shutdown starts.
        let log = ProbeLog()
        let call = Task {
            try await client.serverStreaming(
                TestMethods.streamingOutput, request: streamingRequest(sizes: Array(repeating: 10, count: 20), intervalMicros: 50_000),
                responseType: Grpc_Testing_StreamingOutputCallResponse.self
            ) { responses in
                var count = 0
                for try await _ in responses {
                    count += 1
                    if count == 1 { log.record("first-response") }
                }
                return count
            }
        }
        // Shut down only once the call is surely in flight (not merely started on a busy machine).
        #expect(await log.waitFor("first-response", timeout: .seconds(20)))
        await server.shutdown(gracePeriod: .seconds(5))
        #expect(try await call.value == 20)

        let fresh = try RPCClient(target: "127.0.0.1:\(port)")
        let error = await #expect(throws: RPCError.self) {
            _ = try await fresh.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
        }
        #expect(error?.code == .unavailable)
        await fresh.close()
        await client.close()
    }

    @Test func shutdownAndWaitingAfterItReturnAtOnce() async throws {
        let server = try await startTestServer()
        await server.shutdown(gracePeriod: .milliseconds(100))
        let start = ContinuousClock.now
        await server.shutdown()
        try await server.waitUntilClosed()
        #expect(ContinuousClock.now - start < .seconds(2))
    }

    @Test func callsStillRunningAfterTheGracePeriodAreCut() async throws {
        let log = ProbeLog()
        let server = try await startTestServer(extraServices: [ProbeService(log: log, relayClient: nil)])
        let client = try RPCClient(target: "127.0.0.1:\(server.localPort!)")
        let call = Task {
            try await client.unary(ProbeService.hang, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
        }
        #expect(await log.waitFor("hang-started"))
        let start = ContinuousClock.now
        await server.shutdown(gracePeriod: .milliseconds(300))
        #expect(ContinuousClock.now - start < .seconds(5))
        await #expect(throws: RPCError.self) { _ = try await call.value }
        #expect(await log.waitFor("hang-cancelled"))
        await client.close()
    }
}
