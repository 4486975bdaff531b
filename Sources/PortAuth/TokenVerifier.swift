import Foundation
import PortCrypto
import Synchronization

/// Verifies access tokens locally with the keys of a ``SigningKeyProvider``. Thread-safe; share one per process.
///
/// Strict: the token must be a compact JWS of exactly three base64url segments, at most `maxTokenBytes` long, with
/// header `alg` "EdDSA" (anything else, "none" included, is rejected before any key is looked up), a `kid` of a
/// published key that has not retired, a valid Ed25519 signature over the ASCII bytes `header.payload`, `iss` and
/// `aud` equal to the expected ones, `exp` in the future and `nbf` not in the future (each with `clockSkew` of
/// tolerance). Header fields other than `alg`, `kid` and `typ` are ignored, except `crit`, which is rejected.
///
/// Successful verifications are cached by token (bounded, `cacheCapacity` entries; an entry lives until the
/// token's `exp`), so verifying the same token again costs a dictionary lookup. A cached token is re-verified if its
/// key has left the provider's set.
public final class TokenVerifier: Sendable {
    public let issuer: String
    public let audience: String
    public let keys: SigningKeyProvider
    public let clockSkew: TimeInterval
    public let maxTokenBytes: Int
    private let now: @Sendable () -> Date
    private let cache: Mutex<VerifiedTokenCache>
    private let decoder = JSONDecoder()

    /// - Parameters:
    ///   - clockSkew: tolerance for `exp` and `nbf`, in seconds.
    ///   - maxTokenBytes: longer tokens are rejected unparsed.
    ///   - cacheCapacity: the most verified tokens remembered; 0 disables the cache.
    ///   - now: the clock (tests inject one).
    public init(
        issuer: String, audience: String, keys: SigningKeyProvider, clockSkew: TimeInterval = 30,
        maxTokenBytes: Int = 8192, cacheCapacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.issuer = issuer
        self.audience = audience
        self.keys = keys
        self.clockSkew = clockSkew
        self.maxTokenBytes = maxTokenBytes
        self.now = now
        self.cache = Mutex(VerifiedTokenCache(capacity: cacheCapacity))
    }

    /// The claims of a valid token. For a token naming an unknown key id it throws
    /// ``TokenVerificationError/unknownKey(keyID:)`` at once and, when the provider is filled by
    /// ``RemoteSigningKeys``, triggers a (rate-limited) background refresh of the keys.
    public func verify(_ token: String) throws(TokenVerificationError) -> AccessTokenClaims {
        try verify(token, at: now())
    }

    /// ``verify(_:)``, but for a token naming an unknown key id it first awaits a refresh of the keys
    /// (rate-limited, see ``RemoteSigningKeys``) and then tries once more.
    public func verifyRefreshingKeys(_ token: String) async throws(TokenVerificationError) -> AccessTokenClaims {
        do {
            return try verify(token, at: now(), notifyUnknownKey: false)
        } catch .unknownKey(let keyID) {
            guard await keys.refreshForUnknownKey() else { throw .unknownKey(keyID: keyID) }
            return try verify(token, at: now(), notifyUnknownKey: false)
        }
    }

    /// Forgets every cached verification.
    public func clearCache() {
        cache.withLock { $0.removeAll() }
    }

    // MARK: - Verification

    private func verify(
        _ token: String, at date: Date, notifyUnknownKey: Bool = true
    ) throws(TokenVerificationError) -> AccessTokenClaims {
        let byteCount = token.utf8.count
        guard byteCount <= maxTokenBytes else { throw .tooLarge(byteCount: byteCount, limit: maxTokenBytes) }
        let keySet = keys.current
        if let claims = cache.withLock({ $0.lookup(token, at: date, skew: clockSkew, keys: keySet) }) {
            return claims
        }

        let bytes = Array(token.utf8)
        guard let firstDot = bytes.firstIndex(of: UInt8(ascii: ".")),
            let secondDot = bytes[(firstDot + 1)...].firstIndex(of: UInt8(ascii: ".")),
            !bytes[(secondDot + 1)...].contains(UInt8(ascii: "."))
        else { throw .malformed("expected three dot-separated segments") }

        // Header.
        guard let headerJSON = Base64URL.decode(bytes[..<firstDot]) else {
            throw .malformed("header is not base64url")
        }
        let header: JWSHeader
        do { header = try decoder.decode(JWSHeader.self, from: Data(headerJSON)) } catch {
            throw .malformed("header is not a JSON object with a string \"alg\"")
        }
        guard header.alg == "EdDSA" else {
            throw .unsupportedAlgorithm(TokenVerificationError.sanitized(header.alg))
        }
        guard header.crit == nil else { throw .malformed("header has unsupported critical parameters") }
        if let typ = header.typ, typ.uppercased() != "JWT" {
            throw .malformed("header type \"\(TokenVerificationError.sanitized(typ))\" is not JWT")
        }
        guard let keyID = header.kid, !keyID.isEmpty else { throw .malformed("header has no key id (kid)") }
        guard let publicKey = keySet.publicKey(for: keyID, at: date) else {
            if notifyUnknownKey { keys.unknownKeyRequested() }
            throw .unknownKey(keyID: TokenVerificationError.sanitized(keyID))
        }

        // Signature over the ASCII bytes of header.payload.
        guard let signature = Base64URL.decode(bytes[(secondDot + 1)...]) else {
            throw .malformed("signature is not base64url")
        }
        guard signature.count == Ed25519PrivateKey.signatureByteCount,
            publicKey.isValidSignature(signature, for: bytes[..<secondDot])
        else { throw .badSignature }

        // Claims (authentic from here on).
        guard let payload = Base64URL.decode(bytes[(firstDot + 1)..<secondDot]) else {
            throw .malformed("payload is not base64url")
        }
        let claims: AccessTokenClaims
        do { claims = try decoder.decode(AccessTokenClaims.self, from: Data(payload)) } catch {
            throw .malformed("claims are not valid: \(Self.describe(error))")
        }
        guard claims.issuer == issuer else { throw .wrongIssuer(TokenVerificationError.sanitized(claims.issuer)) }
        guard claims.audience == audience else {
            throw .wrongAudience(TokenVerificationError.sanitized(claims.audience))
        }
        guard date.timeIntervalSince(claims.expiresAt) < clockSkew else { throw .expired(at: claims.expiresAt) }
        guard claims.notBefore.timeIntervalSince(date) <= clockSkew else {
            throw .notYetValid(until: claims.notBefore)
        }

        cache.withLock { $0.insert(token, claims: claims, keyID: keyID, publicKey: publicKey, at: date, skew: clockSkew) }
        return claims
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .keyNotFound(let key, _): return "missing claim \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            if let key = context.codingPath.first { return "claim \"\(key.stringValue)\" has the wrong type or value" }
            return "not a JSON object"
        @unknown default: return "not JSON"
        }
    }
}

/// The JOSE header fields the verifier looks at.
struct JWSHeader: Decodable {
    var alg: String
    var kid: String?
    var typ: String?
    var crit: [String]?
}

/// Verified tokens by token text, each valid until its `exp` (plus skew) and while its key is still published.
struct VerifiedTokenCache: ~Copyable {
    struct Entry {
        var claims: AccessTokenClaims
        var keyID: String
        var publicKey: Ed25519PublicKey
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]

    init(capacity: Int) { self.capacity = max(0, capacity) }

    var count: Int { entries.count }

    func lookup(_ token: String, at date: Date, skew: TimeInterval, keys: SigningKeySet) -> AccessTokenClaims? {
        guard let entry = entries[token] else { return nil }
        guard date.timeIntervalSince(entry.claims.expiresAt) < skew,
            entry.claims.notBefore.timeIntervalSince(date) <= skew,
            keys.publicKey(for: entry.keyID, at: date) == entry.publicKey
        else { return nil }
        return entry.claims
    }

    mutating func insert(
        _ token: String, claims: AccessTokenClaims, keyID: String, publicKey: Ed25519PublicKey, at date: Date,
        skew: TimeInterval
    ) {
        guard capacity > 0 else { return }
        if entries.count >= capacity {
            // Drop expired entries; if that is not enough, drop arbitrary ones down to 7/8 of the capacity.
            entries = entries.filter { date.timeIntervalSince($0.value.claims.expiresAt) < skew }
            let target = capacity - max(1, capacity / 8)
            while entries.count > target { entries.remove(at: entries.startIndex) }
        }
        entries[token] = Entry(claims: claims, keyID: keyID, publicKey: publicKey)
    }

    mutating func removeAll() { entries.removeAll() }
}
