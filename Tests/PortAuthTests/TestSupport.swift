import Foundation
import PortAuth
import PortCrypto
import Synchronization

/// Bytes from hex (test vectors).
func hex(_ text: String) -> [UInt8] {
    let digits = Array(text.utf8).filter { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }
    precondition(digits.count % 2 == 0)
    func value(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: preconditionFailure("not hex")
        }
    }
    return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
}

/// Hex of bytes.
func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
}

/// A settable clock for verifiers and token sources.
final class TestClock: Sendable {
    private let date: Mutex<Date>
    init(_ date: Date = Date(timeIntervalSince1970: 1_800_000_000)) { self.date = Mutex(date) }
    var now: Date { date.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { date.withLock { $0 += seconds } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// A counter shared with @Sendable closures.
final class Counter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
    var count: Int { value.withLock { $0 } }
}

enum Fixtures {
    static let issuer = "cyberport-identity"
    static let audience = "cyberport"

    static func claims(
        issuedAt: Date, lifetime: TimeInterval = 900, issuer: String = issuer, audience: String = audience
    ) -> AccessTokenClaims {
        AccessTokenClaims(
            issuer: issuer, subject: "companies/c1/users/u1", audience: audience, issuedAt: issuedAt,
            expiresAt: issuedAt + lifetime, tokenID: "tok-1", kind: .user,
            organization: "companies/c1/organizations/o1", company: "companies/c1",
            businessTypes: ["oceanShipping", "customsBroker"], roles: ["user", "administrator"],
            email: "taro@example.jp", ports: ["JPTYO", "JPYOK"])
    }

    /// A signer, a provider holding its key, and a verifier on `clock`.
    static func setup(clock: TestClock, keyID: String = "k1") -> (TokenSigner, SigningKeyProvider, TokenVerifier) {
        let key = TokenSigningKey.generate(keyID: keyID)
        let provider = SigningKeyProvider(keys: try! SigningKeySet([key.publishedKey()]))
        let verifier = TokenVerifier(issuer: issuer, audience: audience, keys: provider, now: clock.closure)
        return (TokenSigner(key: key), provider, verifier)
    }
}

/// Builds `header.payload.signature` from raw JSON, signed with `key` (to forge unusual tokens).
func rawToken(header: String, payload: String, key: Ed25519PrivateKey?) -> String {
    let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
    let signature = key.map { $0.signature(for: Array(input.utf8)) } ?? []
    return input + "." + Base64URL.encode(signature)
}
