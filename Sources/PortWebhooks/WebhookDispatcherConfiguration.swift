/// When to try a failed delivery again, and when to give up.
///
/// After attempt n fails temporarily, the next one waits `min(maxDelay, initialDelay × multiplier^(n−1))`, reduced
/// by a random share of up to `jitter` (0…1) so that many failures do not retry in lock-step. A delivery is given up
/// (status `failed`) after `maxAttempts` attempts, or when its next attempt would fall later than `maxAge` after it
/// was created. The defaults retry after 1 s, 2 s, 4 s … up to every 10 minutes, for 24 hours.
public struct WebhookRetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maxDelay: Duration
    public var jitter: Double
    public var maxAttempts: Int
    public var maxAge: Duration

    public init(
        initialDelay: Duration = .seconds(1), multiplier: Double = 2, maxDelay: Duration = .seconds(600),
        jitter: Double = 0.2, maxAttempts: Int = 200, maxAge: Duration = .seconds(24 * 3600)
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
    }

    /// The pause after the `attempt`-th attempt (1-based) failed; `random` is a uniform value in 0..<1.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: 0..<1)) -> Duration {
        let base = Self.microseconds(initialDelay)
        let cap = Self.microseconds(maxDelay)
        var delay = Double(base)
        for _ in 1..<max(1, attempt) {
            delay *= max(1, multiplier)
            if delay >= Double(cap) { break }
        }
        delay = min(delay, Double(cap))
        delay *= 1 - min(1, max(0, jitter)) * min(max(random, 0), 1)
        return .microseconds(Int64(delay.rounded()))
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

/// How a `WebhookDispatcher` works: concurrency, timeouts, leases, polling, retries and retention.
public struct WebhookDispatcherConfiguration: Sendable {
    /// Deliveries in flight at once.
    public var maxConcurrentDeliveries: Int = 8
    /// Events fanned out per round (their targets are looked up one event after the other).
    public var fanOutBatchSize: Int = 16
    /// The longest wait for a receiver's connection.
    public var connectTimeout: Duration = .seconds(5)
    /// The longest time for one POST, connection included.
    public var requestTimeout: Duration = .seconds(15)
    /// How long a claimed event or delivery stays reserved for this instance. Another instance (or this one after a
    /// restart) takes it over once the lease has expired, so it should exceed `requestTimeout` with a margin (an
    /// attempt that outlives its lease may be repeated by another instance, with the same delivery id); one shorter
    /// than `requestTimeout + connectTimeout` is raised to that.
    public var leaseDuration: Duration = .seconds(60)
    /// How often the outbox is polled when idle (`notify()` wakes the dispatcher sooner).
    public var pollInterval: Duration = .seconds(1)
    public var retry = WebhookRetryPolicy()
    /// How long delivered deliveries (and events whose deliveries are all gone) are kept.
    public var deliveredRetention: Duration = .seconds(7 * 24 * 3600)
    /// How long failed deliveries are kept for inspection; nil keeps them until removed by hand.
    public var failedRetention: Duration? = nil
    /// How often old rows are pruned.
    public var pruneInterval: Duration = .seconds(600)
    /// Rows deleted per pruning statement (pruning repeats until nothing is left).
    public var pruneBatchSize: Int = 500
    /// The `User-Agent` header of the default poster.
    public var userAgent: String = "CyberPortOpen-Webhooks/1"
    /// How much of a response body the default poster reads.
    public var maxResponseBytes: Int = 16 * 1024

    public init() {}

    /// The lease actually used: at least the request timeout plus the connect timeout.
    var effectiveLease: Duration {
        max(leaseDuration, requestTimeout + connectTimeout)
    }
}
