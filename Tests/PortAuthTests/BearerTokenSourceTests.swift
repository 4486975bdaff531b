import Foundation
import PortAuth
import PortRPC
import Testing

@Suite("Bearer token source")
struct BearerTokenSourceTests {
    @Test func concurrentCallersShareOneFetch() async throws {
        let clock = TestClock()
        let fetches = Counter()
        let source = BearerTokenSource(now: clock.closure) {
            let n = fetches.increment()
            try await Task.sleep(for: .milliseconds(50))
            return ("token-\(n)", clock.now + 900)
        }
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<32 { group.addTask { try await source.token() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(tokens.count == 32 && Set(tokens) == ["token-1"])
        #expect(fetches.count == 1)

        // Still fresh: no fetch.
        clock.advance(839)
        #expect(try await source.token() == "token-1")
        // Within the 60 s margin: one new fetch, shared again.
        clock.advance(2)
        let refreshed = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await source.token() } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(refreshed == ["token-2"])
        #expect(fetches.count == 2)

        await source.invalidate()
        #expect(try await source.token() == "token-3")
    }

    @Test func failedRefreshFallsBackToAStillValidToken() async throws {
        let clock = TestClock()
        let fetches = Counter()
        let source = BearerTokenSource(now: clock.closure) {
            let n = fetches.increment()
            if n > 1 { throw RPCError(.unavailable, "identity down") }
            return ("token-1", clock.now + 120)
        }
        #expect(try await source.token() == "token-1")
        clock.advance(90)  // within the margin, not expired: the refresh fails, the old token is still good
        #expect(try await source.token() == "token-1")
        clock.advance(31)  // expired
        await #expect(throws: RPCError.self) { try await source.token() }
    }

    @Test func metadataAndCallOptions() async throws {
        let source = BearerTokenSource(staticToken: "abc")
        #expect(try await source.authorizationValue() == "Bearer abc")
        #expect(try await source.authorizationMetadata()["authorization"] == "Bearer abc")
        var options = CallOptions(timeout: .seconds(3), metadata: ["authorization": "Bearer old", "x-trace": "1"])
        options = try await source.callOptions(options)
        #expect(options.metadata.values("authorization") == [.string("Bearer abc")])
        #expect(options.metadata["x-trace"] == "1")
        #expect(options.timeout == .seconds(3))
    }
}
