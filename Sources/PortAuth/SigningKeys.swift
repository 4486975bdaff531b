import Foundation
import PortCrypto
import Synchronization

/// A public key Identity publishes for verifying access tokens (GetSigningKeys): the JWT header's `kid`, the raw
/// 32-byte Ed25519 key, and when tokens signed with it stop being accepted (nil while the key is in use).
public struct PublishedKey: Sendable, Hashable {
    public var keyID: String
    public var publicKey: [UInt8]
    /// Tokens signed with this key are rejected after this time (the proto's `retire_time`).
    public var notAfter: Date?

    public init(keyID: String, publicKey: [UInt8], notAfter: Date? = nil) {
        self.keyID = keyID
        self.publicKey = publicKey
        self.notAfter = notAfter
    }
}

/// The keys that verify access tokens, by key id (`kid`). Holds the current key and, during a rotation, the
/// previous ones until they retire.
public struct SigningKeySet: Sendable, Hashable {
    /// One verification key.
    public struct Entry: Sendable, Hashable {
        public var publicKey: Ed25519PublicKey
        public var notAfter: Date?
    }

    /// The keys by key id.
    public private(set) var keys: [String: Entry]

    /// An empty set (every token fails with an unknown key).
    public init() { keys = [:] }

    /// A set of published keys; throws when a key is not a 32-byte Ed25519 key, a key id is empty, or two keys share
    /// an id.
    public init(_ published: [PublishedKey]) throws(SigningKeyError) {
        var keys: [String: Entry] = [:]
        for key in published {
            guard !key.keyID.isEmpty else { throw .invalidKey(keyID: key.keyID, reason: "empty key id") }
            guard let publicKey = try? Ed25519PublicKey(rawRepresentation: key.publicKey) else {
                throw .invalidKey(keyID: key.keyID, reason: "not a 32-byte Ed25519 public key")
            }
            guard keys[key.keyID] == nil else { throw .invalidKey(keyID: key.keyID, reason: "duplicate key id") }
            keys[key.keyID] = Entry(publicKey: publicKey, notAfter: key.notAfter)
        }
        self.keys = keys
    }

    /// A set of keys without retirement times.
    public init(keys: [String: Ed25519PublicKey]) {
        self.keys = keys.mapValues { Entry(publicKey: $0, notAfter: nil) }
    }

    /// Adds or replaces a key.
    public mutating func insert(keyID: String, publicKey: Ed25519PublicKey, notAfter: Date? = nil) {
        keys[keyID] = Entry(publicKey: publicKey, notAfter: notAfter)
    }

    /// Removes a key.
    public mutating func remove(keyID: String) { keys[keyID] = nil }

    /// The key with id `keyID` if it is not retired at `date`.
    public func publicKey(for keyID: String, at date: Date) -> Ed25519PublicKey? {
        guard let entry = keys[keyID] else { return nil }
        if let notAfter = entry.notAfter, date > notAfter { return nil }
        return entry.publicKey
    }

    /// The keys as published keys, sorted by key id.
    public var publishedKeys: [PublishedKey] {
        keys.sorted { $0.key < $1.key }.map {
            PublishedKey(keyID: $0.key, publicKey: $0.value.publicKey.rawRepresentation, notAfter: $0.value.notAfter)
        }
    }

    public var isEmpty: Bool { keys.isEmpty }
    public var count: Int { keys.count }
}

/// Why a set of signing keys could not be used or obtained.
public enum SigningKeyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A published key is unusable.
    case invalidKey(keyID: String, reason: String)
    /// Identity published no keys.
    case noKeys
    /// The first fetch at start-up failed `attempts` times; `lastError` describes the last failure.
    case unavailable(attempts: Int, lastError: String)

    public var description: String {
        switch self {
        case .invalidKey(let keyID, let reason): "invalid token signing key \"\(keyID)\": \(reason)"
        case .noKeys: "Identity published no token signing keys"
        case .unavailable(let attempts, let lastError):
            "could not fetch the token signing keys from Identity (\(attempts) attempts): \(lastError)"
        }
    }
}

/// Receives the provider's requests for fresh keys (implemented by ``RemoteSigningKeys``).
protocol SigningKeyRefresher: AnyObject, Sendable {
    /// A token named an unknown key id: refresh in the background if the rate limit allows.
    func unknownKeyRequested()
    /// A token named an unknown key id: refresh if the rate limit allows (or join a running refresh) and return
    /// once it is done; returns at once when the rate limit forbids a refresh.
    func refreshForUnknownKey() async
}

/// Thread-safe holder of the current ``SigningKeySet`` that a ``TokenVerifier`` reads on every verification.
///
/// Fill it statically — `SigningKeyProvider(keys:)`, then ``update(_:)`` on each rotation (Identity itself) — or let
/// a ``RemoteSigningKeys`` fetch and refresh it (every other service).
public final class SigningKeyProvider: Sendable {
    private struct State {
        var keys: SigningKeySet
        weak var refresher: (any SigningKeyRefresher)?
    }

    private let state: Mutex<State>

    /// A provider holding `keys`.
    public init(keys: SigningKeySet = SigningKeySet()) {
        state = Mutex(State(keys: keys, refresher: nil))
    }

    /// The current keys.
    public var current: SigningKeySet { state.withLock { $0.keys } }

    /// Replaces the keys (e.g. after a rotation). Tokens cached by verifiers stay valid only while their key is
    /// still in the set.
    public func update(_ keys: SigningKeySet) {
        state.withLock { $0.keys = keys }
    }

    func setRefresher(_ refresher: any SigningKeyRefresher) {
        state.withLock { $0.refresher = refresher }
    }

    private var refresher: (any SigningKeyRefresher)? { state.withLock { $0.refresher } }

    /// Called by the verifier when a token names a key id the set lacks.
    func unknownKeyRequested() { refresher?.unknownKeyRequested() }

    /// Awaits a (rate-limited) refresh for an unknown key id; false when no refresher is attached.
    func refreshForUnknownKey() async -> Bool {
        guard let refresher else { return false }
        await refresher.refreshForUnknownKey()
        return true
    }
}
