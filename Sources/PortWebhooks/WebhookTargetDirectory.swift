/// A webhook target as the dispatcher needs it: where to POST and the secret that signs deliveries.
public struct WebhookTarget: Sendable, Equatable, CustomStringConvertible {
    /// "companies/{company}/webhookTargets/{target}".
    public var name: String
    /// The http:// or https:// URL deliveries are POSTed to.
    public var url: String
    /// The signing secret; empty when the target has none (its deliveries then carry no signature header).
    public var secret: String
    /// The organizations whose events go to this target.
    public var organizations: [String]

    public init(name: String, url: String, secret: String, organizations: [String]) {
        self.name = name
        self.url = url
        self.secret = secret
        self.organizations = organizations
    }

    /// The name and organizations only: URLs may carry credentials and the secret is a secret.
    public var description: String { "WebhookTarget(\(name), organizations: \(organizations))" }
}

/// Where the dispatcher finds webhook targets. Production uses `IdentityWebhookTargets` (Identity's
/// WebhookTargetService); tests use their own. Errors are treated as temporary: the work is retried later.
public protocol WebhookTargetDirectory: Sendable {
    /// The targets assigned to `organization` ("companies/{c}/organizations/{o}"), with their secrets.
    func targets(forOrganization organization: String) async throws -> [WebhookTarget]

    /// The target named `name`, with its current URL and secret; nil when it no longer exists.
    func target(named name: String) async throws -> WebhookTarget?
}
