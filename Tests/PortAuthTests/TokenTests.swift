import Foundation
import PortAuth
import PortCrypto
import Testing

@Suite("Access tokens: signing and verification")
struct TokenTests {
    let clock = TestClock()

    @Test func signAndVerifyRoundTripsEveryClaim() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        let claims = Fixtures.claims(issuedAt: clock.now)
        let token = signer.sign(claims)
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 3)
        let verified = try verifier.verify(token)
        #expect(verified == claims)
        #expect(verified.kind == .user && verified.email == "taro@example.jp" && verified.ports == ["JPTYO", "JPYOK"])
        #expect(verified.notBefore == verified.issuedAt)
        // Cached: the same answer again.
        #expect(try verifier.verify(token) == claims)

        // A service token without the optional claims.
        let service = AccessTokenClaims(
            issuer: Fixtures.issuer, subject: "services/deals", audience: Fixtures.audience, issuedAt: clock.now,
            expiresAt: clock.now + 300, kind: .service, roles: [PrincipalRole.service])
        let serviceClaims = try verifier.verify(signer.sign(service))
        #expect(serviceClaims == service)
        #expect(serviceClaims.email == nil && serviceClaims.ports == nil && serviceClaims.organization.isEmpty)
        #expect(serviceClaims.tokenID.count == 22)
    }

    @Test func headerAndPayloadAreCanonical() throws {
        let (signer, _, _) = Fixtures.setup(clock: clock, keyID: "key-2026")
        let claims = Fixtures.claims(issuedAt: Date(timeIntervalSince1970: 1_800_000_000.75))
        let parts = signer.sign(claims).split(separator: ".").map(String.init)
        let header = String(decoding: Base64URL.decode(parts[0])!, as: UTF8.self)
        #expect(header == #"{"alg":"EdDSA","kid":"key-2026","typ":"JWT"}"#)
        let payload = String(decoding: Base64URL.decode(parts[1])!, as: UTF8.self)
        #expect(
            payload
                == #"{"aud":"cyberport","bt":["oceanShipping","customsBroker"],"company":"companies/c1","email":"taro@example.jp","exp":1800000900,"iat":1800000000,"iss":"cyberport-identity","jti":"tok-1","kind":"user","nbf":1800000000,"org":"companies/c1/organizations/o1","ports":["JPTYO","JPYOK"],"roles":["user","administrator"],"sub":"companies/c1/users/u1"}"#
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(claims), as: UTF8.self) == payload)
        #expect(try JSONDecoder().decode(AccessTokenClaims.self, from: Data(payload.utf8)) == claims)
    }

    @Test func stringsWithQuotesAndControlCharactersSurvive() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        var claims = Fixtures.claims(issuedAt: clock.now)
        claims.email = "\"quoted\"\\back\nslash\u{01}@例え.jp"
        #expect(try verifier.verify(signer.sign(claims)) == claims)
    }

    @Test func tamperedTokensAreRejected() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        let token = signer.sign(Fixtures.claims(issuedAt: clock.now))
        let parts = token.split(separator: ".").map(String.init)

        // Payload: a different subject, original signature.
        var claims = Fixtures.claims(issuedAt: clock.now)
        claims.subject = "companies/c1/users/admin"
        let otherPayload = signer.sign(claims).split(separator: ".").map(String.init)[1]
        #expect(throws: TokenVerificationError.badSignature) {
            try verifier.verify(parts[0] + "." + otherPayload + "." + parts[2])
        }
        // Header: same key id, different content.
        let header = Base64URL.encode(Array(#"{"alg":"EdDSA","kid":"k1","typ":"jwt"}"#.utf8))
        #expect(throws: TokenVerificationError.badSignature) { try verifier.verify(header + "." + parts[1] + "." + parts[2]) }
        // Signature: one bit flipped; truncated; empty.
        var signature = Base64URL.decode(parts[2])!
        signature[10] ^= 0x04
        let flipped = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature)
        #expect(throws: TokenVerificationError.badSignature) { try verifier.verify(flipped) }
        let truncated = parts[0] + "." + parts[1] + "." + Base64URL.encode(Array(signature.prefix(63)))
        #expect(throws: TokenVerificationError.badSignature) { try verifier.verify(truncated) }
        #expect(throws: TokenVerificationError.badSignature) { try verifier.verify(parts[0] + "." + parts[1] + ".") }
        // The genuine token still verifies.
        #expect(try verifier.verify(token).subject == "companies/c1/users/u1")
    }

    @Test func otherAlgorithmsAreRejected() throws {
        let key = TokenSigningKey.generate(keyID: "k1")
        let provider = SigningKeyProvider(keys: try SigningKeySet([key.publishedKey()]))
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: provider, now: clock.closure)
        let payload = String(
            decoding: try JSONEncoder().encode(Fixtures.claims(issuedAt: clock.now)), as: UTF8.self)

        let none = rawToken(header: #"{"alg":"none","typ":"JWT"}"#, payload: payload, key: nil)
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("none")) { try verifier.verify(none) }
        let noneWithKid = rawToken(header: #"{"alg":"none","kid":"k1"}"#, payload: payload, key: nil)
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("none")) { try verifier.verify(noneWithKid) }

        // HS256 "signed" with the public key as the HMAC secret (the classic key-confusion attack).
        let input = Base64URL.encode(Array(#"{"alg":"HS256","kid":"k1","typ":"JWT"}"#.utf8)) + "."
            + Base64URL.encode(Array(payload.utf8))
        let mac = HMACSHA256.authenticationCode(
            for: Array(input.utf8), key: key.privateKey.publicKey.rawRepresentation)
        #expect(throws: TokenVerificationError.unsupportedAlgorithm("HS256")) {
            try verifier.verify(input + "." + Base64URL.encode(mac))
        }
        // EdDSA spelled differently, "crit", a foreign typ, a missing kid.
        for header in [#"{"alg":"eddsa","kid":"k1"}"#, #"{"alg":"Ed25519","kid":"k1"}"#] {
            let token = rawToken(header: header, payload: payload, key: key.privateKey)
            #expect(throws: TokenVerificationError.self) { try verifier.verify(token) }
        }
        for header in [
            #"{"alg":"EdDSA","kid":"k1","crit":["exp"]}"#, #"{"alg":"EdDSA","kid":"k1","typ":"at+jwt"}"#,
            #"{"alg":"EdDSA"}"#, #"{"alg":"EdDSA","kid":""}"#, #"{"alg":7,"kid":"k1"}"#, #"["EdDSA"]"#,
        ] {
            let token = rawToken(header: header, payload: payload, key: key.privateKey)
            let error = #expect(throws: TokenVerificationError.self) { try verifier.verify(token) }
            if case .malformed = error {} else { Issue.record("expected malformed for \(header), got \(String(describing: error))") }
        }
        // A correctly signed token without the Identity kid's JSON shape still verifies when well-formed.
        let ok = rawToken(header: #"{"kid":"k1","alg":"EdDSA","x":1}"#, payload: payload, key: key.privateKey)
        #expect(try verifier.verify(ok).subject == "companies/c1/users/u1")
    }

    @Test(arguments: [
        "", "abc", "a.b", "a.b.c.d", "..", "a..", "e30.e30.", "not base64!.e30.AA", "e30=.e30.AA",
    ])
    func malformedTokensAreRejected(token: String) throws {
        let (_, _, verifier) = Fixtures.setup(clock: clock)
        let error = #expect(throws: TokenVerificationError.self) { try verifier.verify(token) }
        guard case .malformed = error else {
            Issue.record("expected malformed, got \(String(describing: error))")
            return
        }
    }

    @Test func signedGarbageClaimsAreMalformed() throws {
        let key = TokenSigningKey.generate(keyID: "k1")
        let provider = SigningKeyProvider(keys: try SigningKeySet([key.publishedKey()]))
        let verifier = TokenVerifier(issuer: "i", audience: "a", keys: provider, now: clock.closure)
        let header = #"{"alg":"EdDSA","kid":"k1","typ":"JWT"}"#
        for payload in [
            "not json", "[]", #"{"iss":"i"}"#,
            #"{"iss":"i","sub":"s","aud":"a","iat":1,"exp":"soon","jti":"j","kind":"user"}"#,
            #"{"iss":"i","sub":"s","aud":"a","iat":1,"exp":2,"jti":"j","kind":"robot"}"#,
        ] {
            let error = #expect(throws: TokenVerificationError.self) {
                try verifier.verify(rawToken(header: header, payload: payload, key: key.privateKey))
            }
            guard case .malformed = error else {
                Issue.record("expected malformed for \(payload), got \(String(describing: error))")
                continue
            }
        }
    }

    @Test func unknownKeyID() throws {
        let (_, _, verifier) = Fixtures.setup(clock: clock, keyID: "k1")
        let stranger = TokenSigner(key: .generate(keyID: "k9"))
        #expect(throws: TokenVerificationError.unknownKey(keyID: "k9")) {
            try verifier.verify(stranger.sign(Fixtures.claims(issuedAt: clock.now)))
        }
        // Same kid, different key: the signature fails.
        let impostor = TokenSigner(key: .generate(keyID: "k1"))
        #expect(throws: TokenVerificationError.badSignature) {
            try verifier.verify(impostor.sign(Fixtures.claims(issuedAt: clock.now)))
        }
        // Hostile key ids are shortened and sanitized in the error.
        let hostile = TokenSigner(key: .generate(keyID: "evil\n" + String(repeating: "x", count: 200)))
        let error = #expect(throws: TokenVerificationError.self) {
            try verifier.verify(hostile.sign(Fixtures.claims(issuedAt: clock.now)))
        }
        #expect(error?.description.contains("\n") == false)
        #expect((error?.description.count ?? 0) < 140)
    }

    @Test func expiryAndNotBeforeHonourTheClockSkew() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        let claims = Fixtures.claims(issuedAt: clock.now, lifetime: 900)
        let token = signer.sign(claims)
        #expect(throws: Never.self) { try verifier.verify(token) }
        clock.advance(900 + 29)  // within the 30 s skew: still valid (and answered from the cache)
        #expect(throws: Never.self) { try verifier.verify(token) }
        clock.advance(1)
        #expect(throws: TokenVerificationError.expired(at: claims.expiresAt)) { try verifier.verify(token) }
        #expect(
            TokenVerificationError.expired(at: claims.expiresAt).description
                == "access token expired at 2027-01-15T08:15:00Z")

        // Issued in the future (the issuer's clock is ahead).
        let future = signer.sign(Fixtures.claims(issuedAt: clock.now + 31))
        let error = #expect(throws: TokenVerificationError.self) { try verifier.verify(future) }
        guard case .notYetValid = error else {
            Issue.record("expected notYetValid, got \(String(describing: error))")
            return
        }
        #expect(throws: Never.self) { try verifier.verify(signer.sign(Fixtures.claims(issuedAt: clock.now + 30))) }
    }

    @Test func wrongIssuerOrAudience() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        #expect(throws: TokenVerificationError.wrongIssuer("someone-else")) {
            try verifier.verify(signer.sign(Fixtures.claims(issuedAt: clock.now, issuer: "someone-else")))
        }
        #expect(throws: TokenVerificationError.wrongAudience("other-platform")) {
            try verifier.verify(signer.sign(Fixtures.claims(issuedAt: clock.now, audience: "other-platform")))
        }
    }

    @Test func oversizedTokensAreRejectedUnparsed() throws {
        let (signer, provider, _) = Fixtures.setup(clock: clock)
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: provider, maxTokenBytes: 8192,
            now: clock.closure)
        #expect(throws: TokenVerificationError.tooLarge(byteCount: 9000, limit: 8192)) {
            try verifier.verify(String(repeating: "a", count: 9000))
        }
        var claims = Fixtures.claims(issuedAt: clock.now)
        claims.businessTypes = Array(repeating: "oceanShipping", count: 500)
        let big = signer.sign(claims)
        #expect(big.utf8.count > 8192)
        #expect(throws: TokenVerificationError.tooLarge(byteCount: big.utf8.count, limit: 8192)) {
            try verifier.verify(big)
        }
    }

    @Test func rotationKeepsOldTokensValidWhileTheirKeyIsPublished() throws {
        let old = TokenSigningKey.generate(keyID: "2026-01")
        let new = TokenSigningKey.generate(keyID: "2026-02")
        let provider = SigningKeyProvider(keys: try SigningKeySet([old.publishedKey()]))
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: provider, now: clock.closure)
        let oldToken = TokenSigner(key: old).sign(Fixtures.claims(issuedAt: clock.now))
        #expect(throws: Never.self) { try verifier.verify(oldToken) }

        // Rotate: the new key signs, the old one stays published until it retires.
        provider.update(try SigningKeySet([old.publishedKey(notAfter: clock.now + 600), new.publishedKey()]))
        let newToken = TokenSigner(key: new).sign(Fixtures.claims(issuedAt: clock.now))
        #expect(throws: Never.self) { try verifier.verify(oldToken) }
        #expect(throws: Never.self) { try verifier.verify(newToken) }

        // After the old key's retire time its tokens fail, cached or not.
        clock.advance(601)
        #expect(throws: TokenVerificationError.unknownKey(keyID: "2026-01")) { try verifier.verify(oldToken) }
        #expect(throws: Never.self) { try verifier.verify(newToken) }

        // Removing a key also invalidates cached verifications at once.
        provider.update(try SigningKeySet([old.publishedKey()]))
        #expect(throws: TokenVerificationError.unknownKey(keyID: "2026-02")) { try verifier.verify(newToken) }
    }

    @Test func keySetValidation() throws {
        #expect(throws: SigningKeyError.self) { try SigningKeySet([PublishedKey(keyID: "k", publicKey: [1, 2, 3])]) }
        #expect(throws: SigningKeyError.self) {
            try SigningKeySet([TokenSigningKey.generate(keyID: "").publishedKey()])
        }
        let a = TokenSigningKey.generate(keyID: "k")
        let b = TokenSigningKey.generate(keyID: "k")
        #expect(throws: SigningKeyError.self) { try SigningKeySet([a.publishedKey(), b.publishedKey()]) }
        let set = try SigningKeySet([a.publishedKey(notAfter: clock.now)])
        #expect(set.publishedKeys == [a.publishedKey(notAfter: clock.now)])
        #expect(set.publicKey(for: "k", at: clock.now) == a.privateKey.publicKey)
        #expect(set.publicKey(for: "k", at: clock.now + 1) == nil)
        #expect(TokenSigningKey.generate().keyID.count == 16)
        #expect(TokenSigningKey.generate().keyID != TokenSigningKey.generate().keyID)
    }

    @Test func cacheIsBounded() throws {
        let (signer, provider, _) = Fixtures.setup(clock: clock)
        let verifier = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: provider, cacheCapacity: 16,
            now: clock.closure)
        var tokens: [String] = []
        for i in 0..<100 {
            var claims = Fixtures.claims(issuedAt: clock.now)
            claims.tokenID = "t\(i)"
            tokens.append(signer.sign(claims))
        }
        for token in tokens + tokens { #expect(throws: Never.self) { try verifier.verify(token) } }
        let uncached = TokenVerifier(
            issuer: Fixtures.issuer, audience: Fixtures.audience, keys: provider, cacheCapacity: 0, now: clock.closure)
        for token in tokens.prefix(3) { #expect(throws: Never.self) { try uncached.verify(token) } }
    }

    @Test func verificationTimings() throws {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        let token = signer.sign(Fixtures.claims(issuedAt: clock.now))
        _ = try verifier.verify(token)
        let cachedRounds = 20_000
        let cachedStart = ContinuousClock.now
        for _ in 0..<cachedRounds { _ = try verifier.verify(token) }
        let cached = (ContinuousClock.now - cachedStart) / cachedRounds

        let uncachedRounds = 300
        let uncachedStart = ContinuousClock.now
        for _ in 0..<uncachedRounds {
            verifier.clearCache()
            _ = try verifier.verify(token)
        }
        let uncached = (ContinuousClock.now - uncachedStart) / uncachedRounds

        let signRounds = 300
        let claims = Fixtures.claims(issuedAt: clock.now)
        let signStart = ContinuousClock.now
        for _ in 0..<signRounds { _ = signer.sign(claims) }
        let sign = (ContinuousClock.now - signStart) / signRounds
        print("verify cached: \(cached), uncached: \(uncached), sign: \(sign) (token \(token.utf8.count) bytes)")
        #expect(cached < uncached)
    }
}
