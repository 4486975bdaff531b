import CSodium

/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// The digest length in bytes (32).
    public static let byteCount = 32

    /// The SHA-256 digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        return withInput(bytes) { input, count in
            [UInt8](unsafeUninitializedCapacity: byteCount) { out, initialized in
                _ = crypto_hash_sha256(out.baseAddress!, input, UInt64(count))
                initialized = byteCount
            }
        }
    }

    /// The SHA-256 digest of the UTF-8 bytes of `text`.
    public static func hash(_ text: String) -> [UInt8] { hash(Array(text.utf8)) }
}

/// HMAC-SHA-256 (RFC 2104) with keys of any length.
public enum HMACSHA256 {
    /// The authentication code length in bytes (32).
    public static let byteCount = 32

    /// The authentication code of `message` under `key`.
    public static func authenticationCode(for message: [UInt8], key: [UInt8]) -> [UInt8] {
        Sodium.ensureInitialized()
        var state = crypto_auth_hmacsha256_state()
        defer { withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress!, $0.count) } }
        withInput(key) { key, keyCount in _ = crypto_auth_hmacsha256_init(&state, key, keyCount) }
        withInput(message) { input, count in _ = crypto_auth_hmacsha256_update(&state, input, UInt64(count)) }
        return [UInt8](unsafeUninitializedCapacity: byteCount) { out, initialized in
            _ = crypto_auth_hmacsha256_final(&state, out.baseAddress!)
            initialized = byteCount
        }
    }

    /// Whether `code` is the authentication code of `message` under `key` (compared in constant time).
    public static func isValid(_ code: [UInt8], for message: [UInt8], key: [UInt8]) -> Bool {
        constantTimeEquals(code, authenticationCode(for: message, key: key))
    }
}

/// Whether two byte strings are equal, in time that depends only on their lengths (libsodium's `sodium_memcmp`).
/// Different lengths compare unequal at once: lengths are not secret.
public func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    Sodium.ensureInitialized()
    return withInput(a) { pa, count in withInput(b) { pb, _ in sodium_memcmp(pa, pb, count) == 0 } }
}
