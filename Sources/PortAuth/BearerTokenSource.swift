import Foundation
import PortRPC

/// Supplies the `authorization: Bearer <access token>` metadata of outgoing calls (service-to-service calls, the
/// CLI), obtaining a new token through `fetch` when there is none or the current one expires within
/// `refreshMargin`. Concurrent callers share one fetch. When a fetch fails while the current token has not expired
/// yet, that token is still used.
public actor BearerTokenSource {
    /// A token and when it expires.
    public typealias Grant = (token: String, expiresAt: Date)

    private let fetch: @Sendable () async throws -> Grant
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var current: (token: String, expiresAt: Date)?
    private var refreshing: Task<Grant, any Error>?

    /// A source that obtains tokens from `fetch` (e.g. Identity's ExchangeApiKey or Refresh).
    /// - Parameters:
    ///   - refreshMargin: seconds before expiry at which a new token is fetched.
    ///   - now: the clock (tests inject one).
    public init(
        refreshMargin: TimeInterval = 60, now: @escaping @Sendable () -> Date = { Date() },
        fetch: @escaping @Sendable () async throws -> Grant
    ) {
        self.fetch = fetch
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// A source that always supplies `token` (e.g. the CLI's `--token`).
    public init(staticToken token: String) {
        self.init(fetch: { (token, .distantFuture) })
    }

    /// A valid access token, fetching a new one if needed.
    public func token() async throws -> String {
        let date = now()
        if let current, current.expiresAt.timeIntervalSince(date) > refreshMargin { return current.token }
        do {
            return try await refresh().token
        } catch {
            // A failed refresh within the margin: keep using a token that is still valid.
            if let current, current.expiresAt > now() { return current.token }
            throw error
        }
    }

    /// `"Bearer <token>"`.
    public func authorizationValue() async throws -> String { "Bearer " + (try await token()) }

    /// Metadata with the `authorization` entry.
    public func authorizationMetadata() async throws -> Metadata {
        var metadata = Metadata()
        metadata.add("authorization", try await authorizationValue())
        return metadata
    }

    /// `options` with its `authorization` entry set (replacing any).
    public func callOptions(_ options: CallOptions = CallOptions()) async throws -> CallOptions {
        var options = options
        options.metadata.replace("authorization", try await authorizationValue())
        return options
    }

    /// Forgets the current token (e.g. after a call failed with UNAUTHENTICATED), so the next call fetches one.
    public func invalidate() {
        current = nil
    }

    /// The running fetch, or a new one; installs its result.
    private func refresh() async throws -> Grant {
        if let refreshing { return try await refreshing.value }
        let task = Task { try await fetch() }
        refreshing = task
        defer { refreshing = nil }
        let grant = try await task.value
        current = grant
        return grant
    }
}
