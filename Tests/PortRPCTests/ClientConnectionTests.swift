import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Client connections: multiplexing, reconnects, round-robin")
struct ClientConnectionTests {
    @Test func manyConcurrentCallsShareOneConnection() async throws {
        try await withTestServer { _, client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1_000 {
                    group.addTask {
                        let size = Int32(index % 97)
                        let response = try await client.unary(
                            TestMethods.unary, request: simpleRequest(responseSize: size),
                            responseType: Grpc_Testing_SimpleResponse.self)
                        return (response.payload?.body.count ?? 0) == Int(size) ? 1 : 0
                    }
                }
                var correct = 0
                for try await ok in group { correct += ok }
                #expect(correct == 1_000)
            }
        }
    }

    @Test func reconnectsAfterTheServerRestarts() async throws {
        let first = try await startTestServer()
        let port = first.localPort!
        let client = try RPCClient(target: "127.0.0.1:\(port)")
        _ = try await client.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
        await first.shutdown(gracePeriod: .milliseconds(100))

        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
        }
        #expect(error?.code == .unavailable)

        let second = try await startTestServer(configure: { $0.port = port })
        var recovered = false
        for _ in 0..<100 where !recovered {
            do {
                _ = try await client.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
                recovered = true
            } catch {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(recovered, "the client did not reconnect to the restarted server")
        await client.close()
        await second.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func roundRobinSpreadsCallsOverAddresses() async throws {
        let a = try await startTestServer(serverID: "a")
        let b = try await startTestServer(serverID: "b")
        let client = try RPCClient(target: "127.0.0.1:\(a.localPort!),127.0.0.1:\(b.localPort!)")
        var seen: [String: Int] = [:]
        for _ in 0..<20 {
            var request = simpleRequest()
            request.fillServerId = true
            let response = try await client.unary(TestMethods.unary, request: request, responseType: Grpc_Testing_SimpleResponse.self)
            seen[response.serverId, default: 0] += 1
        }
        #expect(seen == ["a": 10, "b": 10])
        await client.close()
        await a.shutdown(gracePeriod: .milliseconds(100))
        await b.shutdown(gracePeriod: .milliseconds(100))
    }

    @Test func unreachableAddressIsUnavailable() async throws {
        let server = try await startTestServer()
        let port = server.localPort!
        await server.shutdown(gracePeriod: .milliseconds(50))
        let client = try RPCClient(target: "127.0.0.1:\(port)")
        let error = await #expect(throws: RPCError.self) {
            _ = try await client.unary(TestMethods.empty, request: Grpc_Testing_Empty(), responseType: Grpc_Testing_Empty.self)
        }
        #expect(error?.code == .unavailable)
        await client.close()
    }

    @Test func invalidTargetsAreRejected() {
        #expect(throws: RPCError.self) { try RPCClient(target: "no-port") }
        #expect(throws: RPCError.self) { try RPCClient(target: "host:99999") }
        #expect(throws: RPCError.self) { try RPCClient(target: "") }
    }
}
