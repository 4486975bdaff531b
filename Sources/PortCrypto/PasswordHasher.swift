import CSodium
import Synchronization

/// Argon2id password hashing (libsodium's `crypto_pwhash_str_alg` with `crypto_pwhash_ALG_ARGON2ID13`). Hashes are
/// self-describing PHC strings (`$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>`) that carry their salt and
/// parameters, so ``verify(_:against:)`` works for hashes made with older parameters and ``needsRehash(_:)`` tells
/// when to upgrade one after a successful login.
///
/// Hashing and verifying are deliberately slow and memory-hard (``Parameters/interactive``: ~64 MiB and tens of
/// milliseconds per call). Never call them on an event loop: run them on a thread pool (e.g. NIOThreadPool) and
/// bound how many run at once, or a few logins stall every call on the loop.
///
/// Passwords are hashed as their UTF-8 bytes, without Unicode normalization.
public struct PasswordHasher: Sendable {
    /// Argon2id cost parameters (the parallelism is libsodium's fixed 1).
    public struct Parameters: Sendable, Hashable, CustomStringConvertible {
        /// Passes over memory (Argon2's `t`).
        public var opsLimit: Int
        /// Memory in bytes (Argon2's `m`, in KiB in the encoded string).
        public var memoryLimitBytes: Int

        public init(opsLimit: Int, memoryLimitBytes: Int) {
            self.opsLimit = opsLimit
            self.memoryLimitBytes = memoryLimitBytes
        }

        /// libsodium's INTERACTIVE: 2 passes over 64 MiB. The default for user logins.
        public static let interactive = Parameters(
            opsLimit: Int(crypto_pwhash_argon2id_opslimit_interactive()),
            memoryLimitBytes: Int(crypto_pwhash_argon2id_memlimit_interactive()))
        /// libsodium's MODERATE: 3 passes over 256 MiB (about 0.7 s on a typical core).
        public static let moderate = Parameters(
            opsLimit: Int(crypto_pwhash_argon2id_opslimit_moderate()),
            memoryLimitBytes: Int(crypto_pwhash_argon2id_memlimit_moderate()))
        /// FOR TESTS ONLY: 1 pass over 8 MiB, cheap enough to run many times in a test suite. Far too weak to
        /// protect real passwords; never configure a service with it.
        public static let minimumForTests = Parameters(opsLimit: 1, memoryLimitBytes: 8 << 20)

        public var description: String { "argon2id(t=\(opsLimit), m=\(memoryLimitBytes >> 10) KiB)" }
    }

    /// The parameters new hashes are made with.
    public let parameters: Parameters

    /// A hasher making new hashes with `parameters`.
    public init(parameters: Parameters = .interactive) {
        precondition(
            parameters.opsLimit >= Int(crypto_pwhash_argon2id_opslimit_min())
                && parameters.memoryLimitBytes >= Int(crypto_pwhash_argon2id_memlimit_min()),
            "Argon2id parameters below libsodium's minimum: \(parameters)")
        self.parameters = parameters
    }

    /// The encoded Argon2id hash of `password` with a fresh random salt. Slow: run off the event loop.
    public func hash(_ password: String) throws(CryptoError) -> String {
        Sodium.ensureInitialized()
        var passwordBytes = Array(password.utf8)
        defer { Sodium.zero(&passwordBytes) }
        var out = [CChar](repeating: 0, count: Int(crypto_pwhash_STRBYTES))
        let status = withInput(passwordBytes) { input, count in
            input.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) { chars in
                crypto_pwhash_str_alg(
                    &out, chars, UInt64(count), UInt64(parameters.opsLimit), parameters.memoryLimitBytes,
                    crypto_pwhash_ALG_ARGON2ID13)
            }
        }
        guard status == 0 else { throw .passwordHashingFailed }
        let length = out.firstIndex(of: 0) ?? out.count
        return String(decoding: out[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `encoded`, using the parameters stored in `encoded`. False for anything that is
    /// not an Argon2id hash string. Slow: run off the event loop.
    public func verify(_ password: String, against encoded: String) -> Bool {
        guard Self.isWellFormed(encoded) else { return false }
        return Self.verifyEncoded(password, encoded)
    }

    /// Spends the same time as ``verify(_:against:)`` of a hash made with ``parameters``, and returns nothing: call
    /// it when the user is unknown, so that response times do not reveal which e-mail addresses are registered.
    /// (The first call per parameter set also makes the dummy hash, so it takes about twice as long.)
    public func dummyVerify(_ password: String) {
        _ = Self.verifyEncoded(password, dummyHash())
    }

    /// Whether `encoded` was made with parameters other than ``parameters`` (or is not an Argon2id hash at all):
    /// after a successful ``verify(_:against:)``, hash the password again and store the new hash.
    public func needsRehash(_ encoded: String) -> Bool {
        guard Self.isWellFormed(encoded) else { return true }
        Sodium.ensureInitialized()
        return encoded.withCString { chars in
            crypto_pwhash_argon2id_str_needs_rehash(
                chars, UInt64(parameters.opsLimit), parameters.memoryLimitBytes) != 0
        }
    }

    // MARK: - Internals

    /// An Argon2id string that fits libsodium's buffer (it reads the string as a C string).
    private static func isWellFormed(_ encoded: String) -> Bool {
        let utf8 = encoded.utf8
        return utf8.count < Int(crypto_pwhash_STRBYTES) && encoded.hasPrefix("$argon2id$") && !utf8.contains(0)
    }

    private static func verifyEncoded(_ password: String, _ encoded: String) -> Bool {
        Sodium.ensureInitialized()
        var passwordBytes = Array(password.utf8)
        defer { Sodium.zero(&passwordBytes) }
        return encoded.withCString { hash in
            withInput(passwordBytes) { input, count in
                input.withMemoryRebound(to: CChar.self, capacity: max(count, 1)) { chars in
                    crypto_pwhash_str_verify(hash, chars, UInt64(count)) == 0
                }
            }
        }
    }

    /// A hash of a random password with ``parameters``, made once per parameter set.
    private func dummyHash() -> String {
        if let hash = dummyHashes.withLock({ $0[parameters] }) { return hash }
        let hash = (try? hash(SecureRandom.token())) ?? ""
        dummyHashes.withLock { $0[parameters] = hash }
        return hash
    }
}

/// Dummy hashes for ``PasswordHasher/dummyVerify(_:)``, by parameters.
private let dummyHashes = Mutex<[PasswordHasher.Parameters: String]>([:])
