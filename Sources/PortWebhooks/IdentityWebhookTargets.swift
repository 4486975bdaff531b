import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import Synchronization

/// The `WebhookTargetDirectory` over Identity's WebhookTargetService, called with the service's own token (from
/// `IdentityLink.serviceToken`): only service callers get the targets' secrets.
///
/// `targets(forOrganization:)` calls ListWebhookTargets(parent "companies/{c}", organization filter) and follows
/// every page; `target(named:)` calls GetWebhookTarget. Answers are cached for `cacheTTL` (a target's new URL or
/// secret is used at most that long after it changed). A call rejected as UNAUTHENTICATED drops the cached service
/// token and is tried once more.
public final class IdentityWebhookTargets: WebhookTargetDirectory {
    private let client: Cyberport_Identity_V1_WebhookTargetServiceClient
    private let tokens: BearerTokenSource?
    private let cacheTTL: Duration
    private let pageSize: Int32
    private let callTimeout: Duration
    private let clock = ContinuousClock()
    private let byOrganization = Mutex<[String: Cached<[WebhookTarget]>]>([:])
    private let byName = Mutex<[String: Cached<WebhookTarget?>]>([:])

    /// The most entries each cache keeps; past it the cache is emptied (keeps memory bounded).
    static let maxCacheEntries = 10_000

    private struct Cached<Value: Sendable>: Sendable {
        var value: Value
        var expires: ContinuousClock.Instant
    }

    /// - Parameters:
    ///   - client: connected to Identity.
    ///   - tokens: the service's token source (`IdentityLink.serviceToken`); nil without a service credential, in
    ///     which case every look-up throws.
    ///   - cacheTTL: how long an answer is reused (zero: never).
    ///   - pageSize: ListWebhookTargets page size.
    ///   - callTimeout: the deadline of each call.
    public init(
        client: RPCClient, tokens: BearerTokenSource?, cacheTTL: Duration = .seconds(30), pageSize: Int = 100,
        callTimeout: Duration = .seconds(10)
    ) {
        self.client = Cyberport_Identity_V1_WebhookTargetServiceClient(client)
        self.tokens = tokens
        self.cacheTTL = cacheTTL
        self.pageSize = Int32(clamping: max(1, pageSize))
        self.callTimeout = callTimeout
    }

    public func targets(forOrganization organization: String) async throws -> [WebhookTarget] {
        if let cached = lookUp(byOrganization, organization) { return cached }
        let company = WebhookEvent.company(of: organization)
        var found: [WebhookTarget] = []
        var pageToken = ""
        var pages = 0
        repeat {
            var request = Cyberport_Identity_V1_ListWebhookTargetsRequest()
            request.parent = company
            request.organization = organization
            request.pageSize = pageSize
            request.pageToken = pageToken
            let page = try await call { options in try await self.client.listWebhookTargets(request, options: options) }
            found += page.webhookTargets.map(Self.target)
            pageToken = page.nextPageToken
            pages += 1
        } while !pageToken.isEmpty && pages < 1000
        store(byOrganization, organization, found)
        for target in found { store(byName, target.name, target) }
        return found
    }

    public func target(named name: String) async throws -> WebhookTarget? {
        if let cached = lookUp(byName, name) { return cached }
        var request = Cyberport_Identity_V1_GetWebhookTargetRequest()
        request.name = name
        let target: WebhookTarget?
        do {
            target = Self.target(
                try await call { options in try await self.client.getWebhookTarget(request, options: options) })
        } catch let error as RPCError where error.code == .notFound {
            target = nil
        }
        store(byName, name, target)
        return target
    }

    /// Runs `body` with the service token, once more after UNAUTHENTICATED with a fresh token.
    private func call<T>(_ body: (CallOptions) async throws -> T) async throws -> T {
        guard let tokens else {
            throw RPCError(.failedPrecondition, "no service credential configured: webhook targets cannot be read from Identity")
        }
        do {
            return try await body(try await tokens.callOptions(CallOptions(timeout: callTimeout)))
        } catch let error as RPCError where error.code == .unauthenticated {
            await tokens.invalidate()
            return try await body(try await tokens.callOptions(CallOptions(timeout: callTimeout)))
        }
    }

    private func lookUp<Value>(_ cache: borrowing Mutex<[String: Cached<Value>]>, _ key: String) -> Value? {
        let now = clock.now
        return cache.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    private func store<Value>(_ cache: borrowing Mutex<[String: Cached<Value>]>, _ key: String, _ value: Value) {
        guard cacheTTL > .zero else { return }
        let expires = clock.now.advanced(by: cacheTTL)
        cache.withLock { entries in
            if entries.count >= Self.maxCacheEntries { entries.removeAll() }
            entries[key] = Cached(value: value, expires: expires)
        }
    }

    private static func target(_ proto: Cyberport_Identity_V1_WebhookTarget) -> WebhookTarget {
        WebhookTarget(name: proto.name, url: proto.url, secret: proto.secretToken, organizations: proto.organizations)
    }
}
