import Foundation

/// Why an access token was rejected. Messages never contain the token; values taken from a rejected token (key id,
/// algorithm, issuer, audience) are shortened and stripped of unprintable characters.
public enum TokenVerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The token is longer than the verifier's limit.
    case tooLarge(byteCount: Int, limit: Int)
    /// Not a compact JWS with a JSON header and JSON claims of the expected shape.
    case malformed(String)
    /// The header's `alg` is not "EdDSA" (e.g. "none" or "HS256").
    case unsupportedAlgorithm(String)
    /// No published (unretired) key has the header's `kid`.
    case unknownKey(keyID: String)
    /// The signature does not verify with the key.
    case badSignature
    /// `exp` (plus the allowed clock skew) has passed.
    case expired(at: Date)
    /// `nbf` (minus the allowed clock skew) is still in the future.
    case notYetValid(until: Date)
    /// `iss` is not the expected issuer.
    case wrongIssuer(String)
    /// `aud` is not the expected audience.
    case wrongAudience(String)

    public var description: String {
        switch self {
        case .tooLarge(let count, let limit): "access token is too large (\(count) bytes; the limit is \(limit))"
        case .malformed(let reason): "access token is malformed: \(reason)"
        case .unsupportedAlgorithm(let alg): "access token algorithm \"\(alg)\" is not supported (only EdDSA)"
        case .unknownKey(let keyID): "access token was signed with an unknown key \"\(keyID)\""
        case .badSignature: "access token signature is invalid"
        case .expired(let date): "access token expired at \(date.formatted(.iso8601))"
        case .notYetValid(let date): "access token is not valid before \(date.formatted(.iso8601))"
        case .wrongIssuer(let issuer): "access token issuer \"\(issuer)\" is not accepted"
        case .wrongAudience(let audience): "access token audience \"\(audience)\" is not accepted"
        }
    }

    /// A value taken from an untrusted token, safe to put in a message: printable ASCII, at most 64 characters.
    static func sanitized(_ value: String) -> String {
        var out = String(value.unicodeScalars.prefix(64).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        if value.unicodeScalars.count > 64 { out += "…" }
        return out
    }
}
