import Foundation
import Logging
import NaccsLink
import PortAuth
import PortStore
import PortWebhooks

/// How the relay retries a transmission after a transient failure: exponential backoff with jitter, up to a number of
/// attempts, after which the send is FAILED.
public struct NaccsRetryPolicy: Sendable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maxDelay: Duration
    /// 0…1: the share of each delay that is randomised.
    public var jitter: Double
    /// Transmissions tried before giving up.
    public var maxAttempts: Int

    public init(
        initialDelay: Duration = .milliseconds(500), multiplier: Double = 2, maxDelay: Duration = .seconds(60),
        jitter: Double = 0.2, maxAttempts: Int = 30
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.maxAttempts = maxAttempts
    }

    /// The delay before attempt `attempts + 1`.
    func delay(afterAttempts attempts: Int) -> Duration {
        let base = Double(initialDelay.components.seconds) + Double(initialDelay.components.attoseconds) / 1e18
        let cap = Double(maxDelay.components.seconds) + Double(maxDelay.components.attoseconds) / 1e18
        var seconds = min(cap, base * pow(multiplier, Double(max(0, attempts - 1))))
        if jitter > 0 { seconds *= 1 - jitter + Double.random(in: 0...(2 * jitter)) }
        return .milliseconds(Int64(seconds * 1000))
    }
}

/// The relay's own timing: how long outputs are kept, how workers poll and how long a credential's lease lasts.
public struct NaccsRelaySettings: Sendable {
    /// How long outputs are kept (NACCS itself deletes unretrieved outputs after 7 days; the relay keeps them as long
    /// by default). Sends waiting for a later output (a permit) stop waiting after this long too.
    public var outputRetention: Duration = .seconds(7 * 86_400)
    /// How often the workers look for due work when nothing woke them.
    public var pollInterval: Duration = .seconds(1)
    /// How long a mailbox retrieval waits for a later output (a permit) when nothing else is due.
    public var mailboxWait: Duration = .seconds(2)
    /// How long a reconciliation waits for the outputs of an input whose outcome is unknown before concluding NACCS
    /// did not process it (longer than NACCS takes to process one input).
    public var reconcileWait: Duration = .seconds(3)
    /// A credential's worker lease; renewed while it works, taken over by another instance after it expired.
    public var leaseDuration: Duration = .seconds(15)
    /// Credentials worked on at the same time by this instance.
    public var maxConcurrentCredentials: Int = 64
    public var retry = NaccsRetryPolicy()

    public init() {}
}

/// What the Naccs service runs on.
public struct NaccsConfiguration: Sendable {
    /// An open database migrated with ``NaccsServer/migrations``.
    public var database: Database
    /// Checks callers' access tokens (``IdentityLink/authenticator`` in production).
    public var authenticator: Authenticator
    /// Deals: participation, root documents, write-back of issued numbers.
    public var deals: any DealsGateway
    /// The link to NACCS (``NaccsTCPLink`` to the simulator).
    public var link: any NaccsLink
    /// 32 bytes that seal NACCS passwords at rest; nil: credentials cannot be created (FAILED_PRECONDITION).
    public var keyEncryptionKey: [UInt8]?
    public var logger: Logger
    /// Where the webhook targets of organizations are looked up; nil: events wait in the outbox.
    public var webhookTargets: (any WebhookTargetDirectory)?
    public var webhooks = WebhookDispatcherConfiguration()
    /// How webhook requests are sent; nil: libcurl.
    public var webhookPoster: (any HTTPPoster)?
    public var relay = NaccsRelaySettings()

    public init(
        database: Database, authenticator: Authenticator, deals: any DealsGateway, link: any NaccsLink,
        keyEncryptionKey: [UInt8]?, logger: Logger, webhookTargets: (any WebhookTargetDirectory)? = nil
    ) {
        self.database = database
        self.authenticator = authenticator
        self.deals = deals
        self.link = link
        self.keyEncryptionKey = keyEncryptionKey
        self.logger = logger
        self.webhookTargets = webhookTargets
    }
}
