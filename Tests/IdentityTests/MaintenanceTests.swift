@testable import IdentityKit
import CyberPortTestSupport
import PortAPI
import PortCrypto
import PortServiceKit
import PortStore
import PortProtocol
import PortRPC
import Testing

/// Housekeeping: expired credentials are removed; a burst of password checks is bounded.
@Suite("Maintenance and limits", .timeLimit(.minutes(2)))
struct MaintenanceTests {
    @Test("expired refresh tokens are swept away and stay unusable", arguments: TestBackend.available)
    func sweep(backend: TestBackend) async throws {
        try await withIdentity(backend, configure: { $0.refreshTokenLifetime = 1 }) { identity in
            let grant = try await identity.grant(IdentityHarness.operatorEmail, IdentityHarness.operatorPassword)
            try await Task.sleep(for: .milliseconds(1100))
            let removed = try await CredentialJanitor.sweep(identity.store, now: WallClock.nowMicros())
            #expect(removed >= 1)
            let left = try await identity.store.read { session in
                try session.queryOne("SELECT COUNT(*) AS n FROM refresh_tokens", [])?.int("n")
            }
            #expect(left == 0)
            await expectRPCError(.unauthenticated, reason: "INVALID_REFRESH_TOKEN") {
                try await identity.refresh(grant.refreshToken)
            }
        }
    }

    @Test("password checks beyond the queue limit are RESOURCE_EXHAUSTED at once")
    func passwordQueue() async throws {
        let service = PasswordService(parameters: .minimumForTests, threads: 1, maxQueued: 2)
        let hash = try await service.hash("a-long-enough-passw0rd")
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<12 {
                group.addTask { (try? await service.verify("a-long-enough-passw0rd", against: hash)) != nil }
            }
            var admitted = 0
            for await ok in group where ok { admitted += 1 }
            return admitted
        }
        #expect(outcomes >= 2 && outcomes < 12)
        await service.shutdown()
    }
}
