import CyberPortTestSupport
import Foundation
import PortAuth
import IdentityKit
import PortAPI
import PortProtocol
import PortRPC
import Synchronization
import Testing

@Suite("Signing keys: local verification and rotation", .timeLimit(.minutes(2)))
struct SigningKeyTests {
    /// Counts fetches of the published keys.
    final class FetchCounter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    static func publishedKeys(_ response: Cyberport_Identity_V1_GetSigningKeysResponse) -> [PublishedKey] {
        response.keys.map { key in
            PublishedKey(
                keyID: key.keyId, publicKey: key.publicKey,
                notAfter: key.retireTime.map { Date(timeIntervalSince1970: Double($0.seconds) + Double($0.nanos) / 1e9) })
        }
    }

    @Test("tokens verify locally with keys fetched once; rotation keeps old tokens valid", arguments: TestBackend.available)
    func localVerification(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let published = try await identity.auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: identity.anonymous)
            #expect(published.keys.count == 1)
            let firstKey = try #require(published.keys.first)
            #expect(firstKey.current)
            #expect(firstKey.algorithm == "EdDSA")
            #expect(firstKey.publicKey.count == 32)
            #expect(firstKey.retireTime == nil)
            #expect(!published.issuer.isEmpty)
            #expect(!published.audience.isEmpty)

            // A verifier in "another service", fed through GetSigningKeys.
            let counter = FetchCounter()
            let auth = identity.auth
            let remote = RemoteSigningKeys(
                refreshInterval: .seconds(3600), minimumRefreshInterval: .seconds(3600), logger: TestLog.quiet
            ) {
                counter.increment()
                let response = try await auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: CallOptions(timeout: .seconds(10)))
                return Self.publishedKeys(response)
            }
            try await remote.start(attempts: 1)
            defer { remote.stop() }
            let verifier = TokenVerifier(issuer: published.issuer, audience: published.audience, keys: remote.provider)
            #expect(counter.value == 1)

            // 25 sessions' tokens (logins and refreshes), each verified 4 times: 100 verifications, no fetch.
            var tokens: [String] = []
            var grant = try await identity.grant(company.registered.adminEmail, company.registered.adminPassword)
            tokens.append(grant.accessToken)
            for _ in 0..<24 {
                grant = try await identity.refresh(grant.refreshToken)
                tokens.append(grant.accessToken)
            }
            #expect(Set(tokens).count == 25)
            for _ in 0..<4 {
                for token in tokens {
                    let claims = try verifier.verify(token)
                    #expect(claims.subject == company.administrator)
                    #expect(claims.kind == .user)
                    #expect(claims.company == company.name)
                }
            }
            #expect(counter.value == 1)
            #expect(try JWT.header(tokens[0])["kid"] as? String == firstKey.keyId)
            #expect(try JWT.header(tokens[0])["alg"] as? String == "EdDSA")

            // Rotation (operator only).
            let oldToken = tokens[0]
            let rotated = try await identity.auth.rotateSigningKeys(
                Cyberport_Identity_V1_RotateSigningKeysRequest(), options: try await identity.operatorOptions())
            let current = try #require(rotated.keys.first { $0.current })
            #expect(current.keyId != firstKey.keyId)
            #expect(rotated.keys.count == 2)
            let retired = try #require(rotated.keys.first { $0.keyId == firstKey.keyId })
            #expect(!retired.current)
            #expect(retired.retireTime != nil)

            // New tokens carry the new key id.
            let newToken = try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            #expect(try JWT.header(newToken)["kid"] as? String == current.keyId)

            // Before the verifier refreshes, the old token still verifies; after refreshing, both do.
            #expect(try verifier.verify(oldToken).subject == company.administrator)
            try await remote.refresh()
            #expect(counter.value == 2)
            #expect(try verifier.verify(oldToken).subject == company.administrator)
            #expect(try verifier.verify(newToken).subject == company.administrator)
            #expect(remote.provider.current.count == 2)

            // The service itself accepts both, and so does its in-process verifier.
            #expect(try await identity.caller(identity.options(oldToken)).subject == company.administrator)
            #expect(try await identity.caller(identity.options(newToken)).subject == company.administrator)
            _ = try identity.identity.verifier.verify(oldToken)
            _ = try identity.identity.verifier.verify(newToken)
        }
    }

    @Test("a token of another issuer's key is rejected by the local verifier", arguments: TestBackend.available)
    func foreignKey(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let published = try await identity.auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: identity.anonymous)
            let provider = SigningKeyProvider(keys: try SigningKeySet(Self.publishedKeys(published)))
            // The right issuer but the wrong audience.
            let wrongAudience = TokenVerifier(issuer: published.issuer, audience: "someone-else", keys: provider)
            #expect(throws: TokenVerificationError.self) {
                try wrongAudience.verify(company.adminToken)
            }
            // An empty key set knows no key id.
            let empty = TokenVerifier(issuer: published.issuer, audience: published.audience, keys: SigningKeyProvider())
            #expect(throws: TokenVerificationError.self) {
                try empty.verify(company.adminToken)
            }
        }
    }
}
