import CSodium

/// PortCrypto: typed Swift wrappers over libsodium — secure random bytes, Base64, SHA-256/HMAC-SHA-256, Ed25519
/// signatures, Argon2id password hashing and XSalsa20-Poly1305 secret boxes. No C types or pointers in the API;
/// libsodium is initialized lazily and thread-safely on first use.
public enum PortCrypto {
    /// The version of the linked libsodium, e.g. "1.0.18".
    public static var sodiumVersion: String {
        Sodium.ensureInitialized()
        return String(cString: sodium_version_string())
    }
}
