import PortCrypto

/// An opaque secret credential — a refresh token (`cpr_…`) or an API key (`cpk_…`) — in the form
/// `<prefix>_<id>_<secret>`: the id is a lookup key the server stores in clear, the secret 32 random bytes in
/// base64url (43 characters). The server stores only ``secretHash`` (SHA-256 of the secret bytes) and shows
/// ``plaintext`` once.
public struct OpaqueCredential: Sendable {
    /// Refresh tokens.
    public static let refreshTokenPrefix = "cpr"
    /// API keys.
    public static let apiKeyPrefix = "cpk"
    /// The secret's length in bytes.
    public static let secretByteCount = 32

    public let prefix: String
    public let id: String
    /// The whole credential, to hand to the client once.
    public let plaintext: String
    /// SHA-256 of the secret bytes, to store.
    public let secretHash: [UInt8]

    /// A new credential with a random secret. `prefix` must be lower-case letters and digits; `id` letters, digits
    /// and "-" (no "_", which separates the parts).
    public static func generate(prefix: String, id: String) -> OpaqueCredential {
        precondition(isValidPrefix(prefix), "credential prefix must be [a-z0-9]+: \(prefix)")
        precondition(isValidID(id), "credential id must be [A-Za-z0-9-]+: \(id)")
        var secret = SecureRandom.bytes(secretByteCount)
        defer { SecureMemory.zero(&secret) }
        return OpaqueCredential(
            prefix: prefix, id: id, plaintext: "\(prefix)_\(id)_\(Base64URL.encode(secret))",
            secretHash: SHA256.hash(secret))
    }

    /// The id and the secret bytes of a credential with `prefix`; nil for anything else (wrong prefix, bad id, a
    /// secret that is not 32 bytes of strict base64url).
    public static func parse(_ text: String, prefix: String) -> (id: String, secret: [UInt8])? {
        guard text.utf8.count <= 256 else { return nil }
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == prefix else { return nil }
        let id = String(parts[1])
        guard isValidID(id), let secret = Base64URL.decode(String(parts[2])), secret.count == secretByteCount
        else { return nil }
        return (id, secret)
    }

    /// SHA-256 of secret bytes: what ``secretHash`` holds.
    public static func hash(secret: [UInt8]) -> [UInt8] { SHA256.hash(secret) }

    /// Whether `secret` hashes to `storedHash` (compared in constant time).
    public static func matches(secret: [UInt8], storedHash: [UInt8]) -> Bool {
        constantTimeEquals(SHA256.hash(secret), storedHash)
    }

    private static func isValidPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    private static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.utf8.allSatisfy {
                ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D
            }
    }
}
