import CSodium

/// Authenticated symmetric encryption with XSalsa20-Poly1305 (libsodium's `crypto_secretbox_easy`), e.g. to keep
/// token signing keys encrypted at rest under a key-encryption key. ``seal(_:)`` picks a random 24-byte nonce and
/// prepends it: the output is nonce ‖ tag ‖ ciphertext, 40 bytes longer than the plaintext.
public struct SecretBox: Sendable {
    /// The key length in bytes (32).
    public static let keyByteCount = Int(crypto_secretbox_KEYBYTES)
    /// The nonce length in bytes (24).
    public static let nonceByteCount = Int(crypto_secretbox_NONCEBYTES)
    /// The authentication tag length in bytes (16).
    public static let tagByteCount = Int(crypto_secretbox_MACBYTES)

    private let key: SecretBytes

    /// A box under a 32-byte key.
    public init(key: [UInt8]) throws(CryptoError) {
        guard key.count == Self.keyByteCount else {
            throw .invalidKeyLength(expected: Self.keyByteCount, actual: key.count)
        }
        Sodium.ensureInitialized()
        self.key = SecretBytes(key)
    }

    /// A new random 32-byte key.
    public static func generateKey() -> [UInt8] { SecureRandom.bytes(keyByteCount) }

    /// Encrypts and authenticates `plaintext`: nonce ‖ tag ‖ ciphertext.
    public func seal(_ plaintext: [UInt8]) -> [UInt8] {
        let nonce = SecureRandom.bytes(Self.nonceByteCount)
        let total = Self.nonceByteCount + Self.tagByteCount + plaintext.count
        return [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            let base = out.baseAddress!
            for i in 0..<Self.nonceByteCount { (base + i).initialize(to: nonce[i]) }
            withInput(plaintext) { message, count in
                withInput(nonce) { n, _ in
                    key.withBytes { k, _ in
                        _ = crypto_secretbox_easy(base + Self.nonceByteCount, message, UInt64(count), n, k)
                    }
                }
            }
            initialized = total
        }
    }

    /// Decrypts what ``seal(_:)`` produced; throws ``CryptoError/authenticationFailed`` when it was tampered with,
    /// truncated or sealed under another key.
    public func open(_ sealed: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard sealed.count >= Self.nonceByteCount + Self.tagByteCount else { throw .authenticationFailed }
        let nonce = Array(sealed[0..<Self.nonceByteCount])
        let box = sealed[Self.nonceByteCount...]
        let count = box.count - Self.tagByteCount
        var ok = false
        let plaintext = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            var dummy: UInt8 = 0
            withInput(box) { ciphertext, boxCount in
                withInput(nonce) { n, _ in
                    key.withBytes { k, _ in
                        withUnsafeMutablePointer(to: &dummy) { dummyPointer in
                            let target = out.baseAddress ?? dummyPointer
                            ok = crypto_secretbox_open_easy(target, ciphertext, UInt64(boxCount), n, k) == 0
                        }
                    }
                }
            }
            initialized = ok ? count : 0
        }
        guard ok else { throw .authenticationFailed }
        return plaintext
    }
}
