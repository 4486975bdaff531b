import Foundation
import Logging
import Synchronization

/// Keeps a ``SigningKeyProvider`` filled with the keys Identity publishes, for services that verify tokens
/// Identity signs: fetches them at ``start()``, refreshes them every `refreshInterval` (5 minutes), and refreshes
/// early when a token names a key id the set lacks (a rotation happened since the last fetch).
///
/// Early refreshes are rate-limited — at most one fetch per `minimumRefreshInterval` (30 s), and never two at once —
/// so tokens with made-up key ids cannot make the service hammer Identity. ``TokenVerifier/verify(_:)`` is
/// synchronous: for an unknown key id it fails at once and triggers a background refresh, so the client's retry
/// succeeds; ``TokenVerifier/verifyRefreshingKeys(_:)`` instead awaits that refresh and tries again.
///
/// `fetch` is typically a call of Identity's `AuthService.GetSigningKeys`.
public final class RemoteSigningKeys: SigningKeyRefresher, Sendable {
    /// The provider to give to ``TokenVerifier``.
    public let provider: SigningKeyProvider

    private let fetch: @Sendable () async throws -> [PublishedKey]
    private let refreshInterval: Duration
    private let minimumRefreshInterval: Duration
    private let logger: Logger

    private struct State {
        var lastFetchStart: ContinuousClock.Instant?
        var inFlight: Task<Void, Never>?
        var periodic: Task<Void, Never>?
        var fetchCount = 0
    }

    private let state = Mutex(State())

    /// - Parameters:
    ///   - fetch: returns the published keys (e.g. from Identity's GetSigningKeys).
    ///   - refreshInterval: how often keys are fetched in the background.
    ///   - minimumRefreshInterval: the least time between two fetches triggered by unknown key ids; also the retry
    ///     delay after a failed periodic fetch.
    public init(
        provider: SigningKeyProvider = SigningKeyProvider(),
        refreshInterval: Duration = .seconds(300), minimumRefreshInterval: Duration = .seconds(30),
        logger: Logger = Logger(label: "cyberport.auth.signing-keys"),
        fetch: @escaping @Sendable () async throws -> [PublishedKey]
    ) {
        self.provider = provider
        self.fetch = fetch
        self.refreshInterval = refreshInterval
        self.minimumRefreshInterval = minimumRefreshInterval
        self.logger = logger
        provider.setRefresher(self)
    }

    deinit {
        state.withLock { state in
            state.periodic?.cancel()
            state.inFlight?.cancel()
        }
    }

    /// Fetches the keys — up to `attempts` times, waiting `initialBackoff`, then twice as long each time — and
    /// starts the periodic refresh. Throws ``SigningKeyError/unavailable(attempts:lastError:)`` when every attempt
    /// fails: a service should not start serving without keys.
    ///
    /// With `requireKeys: false` (lenient) it never throws: after a failed first round it logs an error, starts the
    /// periodic refresh (which retries every `minimumRefreshInterval` until a fetch succeeds) and returns; until
    /// then every token fails verification with an unknown key.
    public func start(
        attempts: Int = 5, initialBackoff: Duration = .milliseconds(250), requireKeys: Bool = true
    ) async throws(SigningKeyError) {
        var backoff = initialBackoff
        var lastError = "no attempt made"
        var succeeded = false
        for attempt in 1...max(1, attempts) {
            do {
                try await refresh()
                succeeded = true
                break
            } catch {
                lastError = "\(error)"
                logger.warning(
                    "fetching token signing keys failed",
                    metadata: ["attempt": "\(attempt)", "error": "\(error)"])
            }
            if attempt < attempts {
                try? await Task.sleep(for: backoff)
                backoff *= 2
            }
        }
        if !succeeded {
            if requireKeys { throw .unavailable(attempts: max(1, attempts), lastError: lastError) }
            logger.error(
                "no token signing keys yet; every access token is rejected until a fetch succeeds",
                metadata: ["error": "\(lastError)"])
        }
        startPeriodic(firstDelay: succeeded ? refreshInterval : minimumRefreshInterval)
    }

    /// Stops the periodic refresh.
    public func stop() {
        state.withLock { state in
            state.periodic?.cancel()
            state.periodic = nil
        }
    }

    /// Fetches the keys now (not rate-limited) and installs them. Throws the fetch's error, or a
    /// ``SigningKeyError`` for an empty or invalid key list; the provider keeps its keys then.
    public func refresh() async throws {
        state.withLock { state in
            state.lastFetchStart = .now
            state.fetchCount += 1
        }
        let published = try await fetch()
        guard !published.isEmpty else { throw SigningKeyError.noKeys }
        let keys = try SigningKeySet(published)
        if keys != provider.current {
            logger.info("token signing keys updated", metadata: ["keyIDs": "\(keys.keys.keys.sorted())"])
        }
        provider.update(keys)
    }

    /// How many fetches were started (for tests and metrics).
    public var fetchCount: Int { state.withLock { $0.fetchCount } }

    // MARK: - SigningKeyRefresher

    func unknownKeyRequested() {
        _ = startRateLimitedRefresh()
    }

    func refreshForUnknownKey() async {
        if let task = startRateLimitedRefresh() { await task.value }
    }

    /// The running refresh, a new one if the rate limit allows, or nil.
    private func startRateLimitedRefresh() -> Task<Void, Never>? {
        state.withLock { state -> Task<Void, Never>? in
            if let running = state.inFlight { return running }
            if let last = state.lastFetchStart, ContinuousClock.now - last < minimumRefreshInterval { return nil }
            state.lastFetchStart = .now  // claims the slot before the task runs
            let task = Task { [weak self] in
                guard let self else { return }
                do {
                    try await self.refresh()
                } catch {
                    self.logger.warning(
                        "refreshing token signing keys for an unknown key id failed", metadata: ["error": "\(error)"])
                }
                self.state.withLock { $0.inFlight = nil }
            }
            state.inFlight = task
            return task
        }
    }

    private func startPeriodic(firstDelay: Duration) {
        let task = Task { [weak self, refreshInterval, minimumRefreshInterval] in
            var delay = firstDelay
            while !Task.isCancelled {
                do { try await Task.sleep(for: delay) } catch { return }
                guard let self else { return }
                do {
                    try await self.refresh()
                    delay = refreshInterval
                } catch {
                    self.logger.warning("periodic refresh of token signing keys failed", metadata: ["error": "\(error)"])
                    delay = minimumRefreshInterval
                }
            }
        }
        state.withLock { state in
            state.periodic?.cancel()
            state.periodic = task
        }
    }
}
