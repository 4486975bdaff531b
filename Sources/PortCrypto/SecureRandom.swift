import CSodium

/// Cryptographically secure random bytes (libsodium's `randombytes_buf`, i.e. the OS CSPRNG).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0, "negative byte count")
        Sodium.ensureInitialized()
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress, count > 0 { randombytes_buf(base, count) }
            initialized = count
        }
    }

    /// A random token: `byteCount` random bytes in base64url without padding (32 bytes → 43 characters).
    public static func token(byteCount: Int = 32) -> String {
        var raw = bytes(byteCount)
        defer { Sodium.zero(&raw) }
        return Base64URL.encode(raw)
    }
}
