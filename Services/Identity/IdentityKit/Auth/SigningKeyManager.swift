import Foundation
import Logging
import NIOConcurrencyHelpers
import PortAuth
import PortCrypto
import PortServiceKit
import PortStore

/// The Ed25519 keys that sign access tokens. They live in the database (sealed with the key-encryption key when one
/// is configured) so that every Identity instance signs with the same current key. A key stays published after it
/// is retired until the last token it signed has expired. Instances reload the keys every minute and rotate when the
/// current key is older than the rotation period.
final class SigningKeyManager: Sendable {
    /// A published public key.
    struct PublicKeyInfo: Sendable {
        var keyID: String
        var publicKey: [UInt8]
        var createdAt: Int64
        var retireAt: Int64?
        var current: Bool
    }

    private struct State {
        var signer: TokenSigner?
        var published: [PublicKeyInfo] = []
        var reloadTask: Task<Void, Never>?
    }

    let provider: SigningKeyProvider
    let verifier: TokenVerifier
    private let database: Database
    private let configuration: IdentityConfiguration
    private let logger: Logger
    private let state = NIOLockedValueBox(State())

    init(database: Database, configuration: IdentityConfiguration, logger: Logger) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        provider = SigningKeyProvider()
        verifier = TokenVerifier(issuer: configuration.issuer, audience: configuration.audience, keys: provider)
    }

    /// Loads the keys, creating the first one (or a due rotation) when needed. Throws when a sealed key cannot be
    /// opened.
    func load() async throws {
        var stored = try await database.read { try CredentialQueries(session: $0).signingKeys() }
        let now = WallClock.nowMicros()
        let current = stored.last { $0.retiredAt == nil }
        let rotationDue = configuration.signingKeyRotation > 0
            && (current.map { now - $0.createdAt > configuration.signingKeyRotation * 1_000_000 } ?? false)
        if current == nil || rotationDue {
            try await createKey(reason: current == nil ? "first key" : "rotation period elapsed")
            stored = try await database.read { try CredentialQueries(session: $0).signingKeys() }
        }
        try install(stored, now: now)
    }

    /// Starts signing with a new key; the previous ones stay published until their tokens expired.
    func rotate() async throws {
        try await createKey(reason: "requested")
        let stored = try await database.read { try CredentialQueries(session: $0).signingKeys() }
        try install(stored, now: WallClock.nowMicros())
    }

    /// Reloads every minute (keys rotated by another instance, rotation due).
    func start() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                guard let self, !Task.isCancelled else { return }
                do { try await self.load() } catch {
                    self.logger.error("reloading signing keys failed", metadata: ["error": "\(error)"])
                }
            }
        }
        state.withLockedValue { $0.reloadTask = task }
    }

    func stop() async {
        let task = state.withLockedValue { state -> Task<Void, Never>? in
            defer { state.reloadTask = nil }
            return state.reloadTask
        }
        task?.cancel()
    }

    /// Signs claims with the current key.
    func sign(_ claims: AccessTokenClaims) throws -> String {
        guard let signer = state.withLockedValue({ $0.signer }) else {
            throw StoreError.closed
        }
        return signer.sign(claims)
    }

    var published: [PublicKeyInfo] { state.withLockedValue { $0.published } }

    private func createKey(reason: String) async throws {
        let key = Ed25519PrivateKey()
        let now = WallClock.nowMicros()
        let id = "k-" + ResourceID.generate(now: now).replacingDashes()
        let sealed: Bool
        let privateText: String
        if let kek = configuration.keyEncryptionKey {
            privateText = Base64URL.encode(try SecretBox(key: kek).seal(key.seed))
            sealed = true
        } else {
            privateText = Base64URL.encode(key.seed)
            sealed = false
        }
        let record = CredentialQueries.StoredSigningKey(
            id: id, privateKey: privateText, sealed: sealed, publicKey: Base64URL.encode(key.publicKey.rawRepresentation),
            createdAt: now, retiredAt: nil)
        try await database.write { session in
            let queries = CredentialQueries(session: session)
            try queries.insertSigningKey(record)
            try queries.retireSigningKeys(except: id, now: now)
        }
        logger.notice("new token-signing key", metadata: ["keyId": "\(id)", "reason": "\(reason)", "sealed": "\(sealed)"])
    }

    private func install(_ stored: [CredentialQueries.StoredSigningKey], now: Int64) throws {
        let grace = (configuration.accessTokenLifetime + 60) * 1_000_000
        guard let current = stored.last(where: { $0.retiredAt == nil }) else { return }
        var infos: [PublicKeyInfo] = []
        var published: [PublishedKey] = []
        for key in stored {
            let retireAt = key.retiredAt.map { $0 + grace }
            if let retireAt, retireAt < now { continue }
            guard let raw = Base64URL.decode(key.publicKey) else { continue }
            infos.append(PublicKeyInfo(keyID: key.id, publicKey: raw, createdAt: key.createdAt, retireAt: retireAt, current: key.id == current.id))
            published.append(PublishedKey(keyID: key.id, publicKey: raw, notAfter: retireAt.map { Date(timeIntervalSince1970: Double($0) / 1_000_000) }))
        }
        let seed = try openSeed(current)
        let signer = TokenSigner(key: TokenSigningKey(keyID: current.id, privateKey: try Ed25519PrivateKey(seed: seed)))
        provider.update(try SigningKeySet(published))
        state.withLockedValue { state in
            state.signer = signer
            state.published = infos
        }
    }

    private func openSeed(_ key: CredentialQueries.StoredSigningKey) throws -> [UInt8] {
        guard let bytes = Base64URL.decode(key.privateKey) else {
            throw ServiceStartupError("signing key \(key.id) is corrupt in the database")
        }
        guard key.sealed else { return bytes }
        guard let kek = configuration.keyEncryptionKey else {
            throw ServiceStartupError("signing key \(key.id) is sealed: configure the key-encryption key to open it")
        }
        do {
            return try SecretBox(key: kek).open(bytes)
        } catch {
            throw ServiceStartupError("signing key \(key.id) cannot be opened with the configured key-encryption key")
        }
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
