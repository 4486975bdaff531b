import Foundation
import Logging
import PortAuth
import Synchronization
import Testing

/// What a fake Identity publishes, and how often it was asked.
final class FakeKeyPublisher: Sendable {
    private let keys: Mutex<[PublishedKey]>
    private let failing = Mutex(false)
    let fetches = Counter()

    init(_ keys: [PublishedKey]) { self.keys = Mutex(keys) }

    func publish(_ newKeys: [PublishedKey]) { keys.withLock { $0 = newKeys } }
    func setFailing(_ value: Bool) { failing.withLock { $0 = value } }

    var fetch: @Sendable () async throws -> [PublishedKey] {
        {
            _ = self.fetches.increment()
            if self.failing.withLock({ $0 }) { throw FetchFailure() }
            return self.keys.withLock { $0 }
        }
    }

    struct FetchFailure: Error, CustomStringConvertible {
        var description: String { "identity unavailable" }
    }
}

/// A logger that keeps test output quiet.
let quietLogger: Logger = {
    var logger = Logger(label: "test.signing-keys")
    logger.logLevel = .critical
    return logger
}()

/// Waits up to two seconds for `condition`.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<400 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}

@Suite("Remote signing keys")
struct RemoteSigningKeysTests {
    let clock = TestClock()

    @Test func startFetchesTheKeys() async throws {
        let key = TokenSigningKey.generate(keyID: "k1")
        let publisher = FakeKeyPublisher([key.publishedKey()])
        let remote = RemoteSigningKeys(logger: quietLogger, fetch: publisher.fetch)
        try await remote.start()
        defer { remote.stop() }
        #expect(publisher.fetches.count == 1)
        #expect(remote.provider.current.publishedKeys == [key.publishedKey()])
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: remote.provider, now: clock.closure)
        #expect(throws: Never.self) {
            try verifier.verify(TokenSigner(key: key).sign(Fixtures.claims(issuedAt: clock.now)))
        }
    }

    @Test func startFailsClearlyAfterRetries() async throws {
        let publisher = FakeKeyPublisher([])
        publisher.setFailing(true)
        let remote = RemoteSigningKeys(logger: quietLogger, fetch: publisher.fetch)
        let error = await #expect(throws: SigningKeyError.self) {
            try await remote.start(attempts: 3, initialBackoff: .milliseconds(1))
        }
        #expect(error == .unavailable(attempts: 3, lastError: "identity unavailable"))
        #expect(error?.description.contains("could not fetch the token signing keys") == true)
        #expect(publisher.fetches.count == 3)

        // An empty key list is a failure too.
        let empty = FakeKeyPublisher([])
        let remoteEmpty = RemoteSigningKeys(logger: quietLogger, fetch: empty.fetch)
        await #expect(throws: SigningKeyError.self) { try await remoteEmpty.start(attempts: 1) }

        // Lenient: returns, and the periodic refresh keeps trying.
        let lenient = RemoteSigningKeys(minimumRefreshInterval: .milliseconds(20), logger: quietLogger, fetch: publisher.fetch)
        try await lenient.start(attempts: 1, requireKeys: false)
        defer { lenient.stop() }
        #expect(lenient.provider.current.isEmpty)
        let key = TokenSigningKey.generate(keyID: "k1")
        publisher.publish([key.publishedKey()])
        publisher.setFailing(false)
        #expect(await eventually { !lenient.provider.current.isEmpty })
    }

    @Test func refreshesPeriodicallyUntilStopped() async throws {
        let publisher = FakeKeyPublisher([TokenSigningKey.generate(keyID: "k1").publishedKey()])
        let remote = RemoteSigningKeys(refreshInterval: .milliseconds(20), logger: quietLogger, fetch: publisher.fetch)
        try await remote.start()
        #expect(await eventually { publisher.fetches.count >= 3 })
        remote.stop()
        try await Task.sleep(for: .milliseconds(30))
        let stopped = publisher.fetches.count
        try await Task.sleep(for: .milliseconds(100))
        #expect(publisher.fetches.count == stopped)
    }

    @Test func unknownKeyTriggersOneRateLimitedBackgroundRefresh() async throws {
        let old = TokenSigningKey.generate(keyID: "k1")
        let new = TokenSigningKey.generate(keyID: "k2")
        let publisher = FakeKeyPublisher([old.publishedKey()])
        // Not started: no fetch yet, so the first unknown key id may refresh at once.
        let remote = RemoteSigningKeys(minimumRefreshInterval: .seconds(60), logger: quietLogger, fetch: publisher.fetch)
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: remote.provider, now: clock.closure)
        publisher.publish([old.publishedKey(), new.publishedKey()])
        let token = TokenSigner(key: new).sign(Fixtures.claims(issuedAt: clock.now))

        #expect(throws: TokenVerificationError.unknownKey(keyID: "k2")) { try verifier.verify(token) }
        #expect(await eventually { remote.provider.current.count == 2 })
        #expect(publisher.fetches.count == 1)
        #expect(throws: Never.self) { try verifier.verify(token) }

        // Garbage key ids within the minimum interval cause no further fetches, sync or async.
        let stranger = TokenSigner(key: .generate(keyID: "garbage"))
        for _ in 0..<50 {
            #expect(throws: TokenVerificationError.self) {
                try verifier.verify(stranger.sign(Fixtures.claims(issuedAt: clock.now)))
            }
        }
        await #expect(throws: TokenVerificationError.unknownKey(keyID: "garbage")) {
            try await verifier.verifyRefreshingKeys(stranger.sign(Fixtures.claims(issuedAt: clock.now)))
        }
        try await Task.sleep(for: .milliseconds(50))
        #expect(publisher.fetches.count == 1)
    }

    @Test func verifyRefreshingKeysAwaitsTheRefresh() async throws {
        let key = TokenSigningKey.generate(keyID: "k7")
        let publisher = FakeKeyPublisher([key.publishedKey()])
        let remote = RemoteSigningKeys(minimumRefreshInterval: .seconds(60), logger: quietLogger, fetch: publisher.fetch)
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: remote.provider, now: clock.closure)
        let token = TokenSigner(key: key).sign(Fixtures.claims(issuedAt: clock.now))
        // Concurrent callers share the single refresh.
        try await withThrowingTaskGroup(of: AccessTokenClaims.self) { group in
            for _ in 0..<8 { group.addTask { try await verifier.verifyRefreshingKeys(token) } }
            for try await claims in group { #expect(claims.subject == "companies/c1/users/u1") }
        }
        #expect(publisher.fetches.count == 1)

        // A static provider has nothing to refresh from.
        let staticVerifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: SigningKeyProvider(), now: clock.closure)
        await #expect(throws: TokenVerificationError.unknownKey(keyID: "k7")) {
            try await staticVerifier.verifyRefreshingKeys(token)
        }
    }

    @Test func aFailedRefreshKeepsTheKeys() async throws {
        let key = TokenSigningKey.generate(keyID: "k1")
        let publisher = FakeKeyPublisher([key.publishedKey()])
        let remote = RemoteSigningKeys(logger: quietLogger, fetch: publisher.fetch)
        try await remote.start()
        defer { remote.stop() }
        publisher.setFailing(true)
        await #expect(throws: FakeKeyPublisher.FetchFailure.self) { try await remote.refresh() }
        publisher.setFailing(false)
        publisher.publish([PublishedKey(keyID: "bad", publicKey: [1])])
        await #expect(throws: SigningKeyError.self) { try await remote.refresh() }
        #expect(remote.provider.current.publishedKeys == [key.publishedKey()])
    }
}
