import CSodium

/// An Ed25519 private key (RFC 8032). Persist its 32-byte ``seed`` (encrypted, e.g. with a ``SecretBox``) and
/// restore it with ``init(seed:)``. The key material is zeroed when the last copy goes away.
public struct Ed25519PrivateKey: Sendable {
    /// The seed length in bytes (32).
    public static let seedByteCount = 32
    /// The signature length in bytes (64).
    public static let signatureByteCount = 64

    /// libsodium's 64-byte secret key: seed ‖ public key.
    private let secretKey: SecretBytes
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// A new random key.
    public init() {
        var seed = SecureRandom.bytes(Self.seedByteCount)
        defer { Sodium.zero(&seed) }
        try! self.init(seed: seed)  // the length is right by construction
    }

    /// The key derived from a 32-byte seed (RFC 8032's "private key").
    public init(seed: [UInt8]) throws(CryptoError) {
        guard seed.count == Self.seedByteCount else {
            throw .invalidKeyLength(expected: Self.seedByteCount, actual: seed.count)
        }
        Sodium.ensureInitialized()
        var sk = [UInt8](repeating: 0, count: Int(crypto_sign_ed25519_SECRETKEYBYTES))
        var pk = [UInt8](repeating: 0, count: Int(crypto_sign_ed25519_PUBLICKEYBYTES))
        withInput(seed) { seedPointer, _ in
            _ = crypto_sign_ed25519_seed_keypair(&pk, &sk, seedPointer)
        }
        secretKey = SecretBytes(sk)
        Sodium.zero(&sk)
        publicKey = Ed25519PublicKey(validated: pk)
    }

    /// A new random key.
    public static func generate() -> Ed25519PrivateKey { Ed25519PrivateKey() }

    /// The 32-byte seed, to persist the key (keep it secret).
    public var seed: [UInt8] { Array(secretKey.bytes[0..<Self.seedByteCount]) }

    /// The same as ``seed``.
    public var rawRepresentation: [UInt8] { seed }

    /// The 64-byte signature of `message`.
    public func signature(for message: [UInt8]) -> [UInt8] {
        withInput(message) { sign($0, $1) }
    }

    /// The 64-byte signature of `message`.
    public func signature(for message: ArraySlice<UInt8>) -> [UInt8] {
        withInput(message) { sign($0, $1) }
    }

    private func sign(_ message: UnsafePointer<UInt8>, _ count: Int) -> [UInt8] {
        secretKey.withBytes { sk, _ in
            [UInt8](unsafeUninitializedCapacity: Self.signatureByteCount) { out, initialized in
                _ = crypto_sign_ed25519_detached(out.baseAddress!, nil, message, UInt64(count), sk)
                initialized = Self.signatureByteCount
            }
        }
    }
}

/// An Ed25519 public key: verifies signatures made by its ``Ed25519PrivateKey``.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The key length in bytes (32).
    public static let byteCount = 32

    /// The 32-byte encoded key.
    public let rawRepresentation: [UInt8]

    /// A key from its 32-byte encoding.
    public init(rawRepresentation: [UInt8]) throws(CryptoError) {
        guard rawRepresentation.count == Self.byteCount else {
            throw .invalidKeyLength(expected: Self.byteCount, actual: rawRepresentation.count)
        }
        self.rawRepresentation = rawRepresentation
    }

    init(validated raw: [UInt8]) { rawRepresentation = raw }

    /// Whether `signature` is a valid signature of `message` by this key (libsodium rejects non-canonical and
    /// small-order encodings). A signature of the wrong length is invalid.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        withInput(message) { verify(signature, $0, $1) }
    }

    /// Whether `signature` is a valid signature of `message` by this key.
    public func isValidSignature(_ signature: [UInt8], for message: ArraySlice<UInt8>) -> Bool {
        withInput(message) { verify(signature, $0, $1) }
    }

    private func verify(_ signature: [UInt8], _ message: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        guard signature.count == Ed25519PrivateKey.signatureByteCount else { return false }
        Sodium.ensureInitialized()
        return withInput(signature) { sig, _ in
            withInput(rawRepresentation) { pk, _ in
                crypto_sign_ed25519_verify_detached(sig, message, UInt64(count), pk) == 0
            }
        }
    }
}
