import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Message size limits")
struct LimitsTests {
    @Test func requestOverTheServerLimitIsResourceExhausted() async throws {
        try await withTestServer(configure: { $0.maxReceiveMessageSize = 1024 }) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(TestMethods.unary, request: simpleRequest(payloadSize: 2048), responseType: Grpc_Testing_SimpleResponse.self)
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("1024") == true)
            // Below the limit still works on the same connection.
            let ok = try await client.unary(TestMethods.unary, request: simpleRequest(responseSize: 5, payloadSize: 500), responseType: Grpc_Testing_SimpleResponse.self)
            #expect(ok.payload?.body.count == 5)
        }
    }

    @Test func defaultLimitIsFourMebibytes() async throws {
        try await withTestServer { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(TestMethods.unary, request: simpleRequest(payloadSize: 4 << 20 + 1), responseType: Grpc_Testing_SimpleResponse.self)
            }
            #expect(error?.code == .resourceExhausted)
            let ok = try await client.unary(TestMethods.unary, request: simpleRequest(responseSize: 1, payloadSize: 4 << 20 - 64), responseType: Grpc_Testing_SimpleResponse.self)
            #expect(ok.payload?.body.count == 1)
        }
    }

    @Test func responseOverTheClientLimitIsResourceExhausted() async throws {
        var configuration = RPCClient.Configuration()
        configuration.maxReceiveMessageSize = 1000
        try await withTestServer(clientConfiguration: configuration) { _, client in
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(TestMethods.unary, request: simpleRequest(responseSize: 5000), responseType: Grpc_Testing_SimpleResponse.self)
            }
            #expect(error?.code == .resourceExhausted)
        }
    }
}
