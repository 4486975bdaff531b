/// Why a cryptographic operation failed.
public enum CryptoError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A key, seed or nonce had the wrong length.
    case invalidKeyLength(expected: Int, actual: Int)
    /// A sealed box was too short to hold a nonce and a tag, or failed authentication (tampered or wrong key).
    case authenticationFailed
    /// Password hashing failed (usually: the memory limit could not be allocated).
    case passwordHashingFailed

    public var description: String {
        switch self {
        case .invalidKeyLength(let expected, let actual): "invalid key length: expected \(expected) bytes, got \(actual)"
        case .authenticationFailed: "decryption failed: the data was tampered with or the key is wrong"
        case .passwordHashingFailed: "password hashing failed (out of memory?)"
        }
    }
}
