import Logging
import PortServiceKit
import PortStore

/// Delivers the events of a `WebhookOutbox`: fans each new event out to one delivery per webhook target of its
/// organizations, POSTs each delivery (signed, see `WebhookSignature`) with bounded concurrency, retries temporary
/// failures with exponential backoff and jitter, gives up on permanent ones, and prunes old rows.
///
/// Work is claimed with leases in the database, so any number of service instances can run a dispatcher on the same
/// PostgreSQL database (SQLite: one process), and nothing is lost when an instance stops or crashes: a delivery it
/// claimed but did not finish is attempted again once its lease expires. Delivery is at least once: a receiver may
/// see the same `CyberPort-Delivery-Id` more than once and must de-duplicate by it.
///
/// The service starts it after opening its database (`start()`), calls `notify()` after committing a transaction
/// that enqueued events (or lets the poll find them), and stops it on shutdown (`stop(gracePeriod:)`). A stopped
/// dispatcher cannot be started again; make a new one.
public actor WebhookDispatcher {
    private let deliverer: WebhookDeliverer
    private let ownedPoster: CurlHTTPPoster?
    private let configuration: WebhookDispatcherConfiguration
    private let logger: Logger
    private let doorbell = WakeSignal()
    private var loop: Task<Void, Never>?
    private var stopRequested = false
    private var stopped = false

    /// - Parameters:
    ///   - database: the service's database, migrated with `WebhookOutbox.migrations(startingAt:)`.
    ///   - directory: where targets are looked up (`IdentityWebhookTargets` in production).
    ///   - poster: how requests are sent; nil makes a `CurlHTTPPoster` with `maxConcurrentDeliveries` threads, owned
    ///     (and shut down) by the dispatcher.
    public init(
        database: Database, directory: any WebhookTargetDirectory, poster: (any HTTPPoster)? = nil,
        configuration: WebhookDispatcherConfiguration = WebhookDispatcherConfiguration(), logger: Logger
    ) {
        var configuration = configuration
        configuration.maxConcurrentDeliveries = max(1, configuration.maxConcurrentDeliveries)
        configuration.fanOutBatchSize = max(1, configuration.fanOutBatchSize)
        let sender: any HTTPPoster
        if let poster {
            sender = poster
            ownedPoster = nil
        } else {
            let curl = CurlHTTPPoster(
                threads: configuration.maxConcurrentDeliveries, maxResponseBytes: configuration.maxResponseBytes,
                userAgent: configuration.userAgent)
            sender = curl
            ownedPoster = curl
        }
        self.configuration = configuration
        self.logger = logger
        deliverer = WebhookDeliverer(
            database: database, directory: directory, poster: sender, configuration: configuration, logger: logger)
    }

    /// Starts the delivery loop in the background (does nothing when it runs or ran already).
    public func start() {
        guard loop == nil, !stopped else { return }
        logger.info(
            "webhook dispatcher started",
            metadata: [
                "webhook.concurrency": "\(configuration.maxConcurrentDeliveries)",
                "webhook.lease": "\(configuration.effectiveLease)",
                "webhook.request_timeout": "\(configuration.requestTimeout)",
                "webhook.max_attempts": "\(configuration.retry.maxAttempts)",
                "webhook.max_age": "\(configuration.retry.maxAge)",
            ])
        loop = Task { await self.run() }
    }

    /// Wakes the loop to look for new work now (call after committing a transaction that enqueued events).
    public nonisolated func notify() {
        doorbell.ring()
    }

    /// Stops claiming work, lets running attempts finish for up to `gracePeriod`, then aborts the rest (their leases
    /// are given back, so they are retried at once by whichever dispatcher runs next), and shuts the default poster
    /// down. Later calls return at once.
    public func stop(gracePeriod: Duration = .seconds(10)) async {
        guard !stopped else { return }
        stopped = true
        stopRequested = true
        if let loop {
            doorbell.ring()
            let deadline = Task {
                try? await Task.sleep(for: gracePeriod)
                if !Task.isCancelled { loop.cancel() }
            }
            await loop.value
            deadline.cancel()
            self.loop = nil
        }
        await ownedPoster?.shutdown()
        logger.info("webhook dispatcher stopped")
    }

    /// One round without the background loop (tools, tests): fans out due events (up to `fanOutBatchSize`), claims
    /// due deliveries (up to `maxConcurrentDeliveries`), attempts them concurrently and waits for the outcomes.
    @discardableResult
    public func runOnce() async throws -> WebhookDispatchRound {
        var round = WebhookDispatchRound()
        round.eventsFannedOut = try await deliverer.fanOutDue(limit: configuration.fanOutBatchSize)
        let (leaseID, claimed) = try await deliverer.claimDue(limit: configuration.maxConcurrentDeliveries)
        let deliverer = self.deliverer
        let outcomes = await withTaskGroup(of: AttemptOutcome.self) { group in
            for delivery in claimed { group.addTask { await deliverer.attempt(delivery, leaseID: leaseID) } }
            return await group.reduce(into: [AttemptOutcome]()) { $0.append($1) }
        }
        for outcome in outcomes {
            switch outcome {
            case .delivered: round.delivered += 1
            case .retry: round.retried += 1
            case .permanentFailure: round.failed += 1
            case .interrupted: round.interrupted += 1
            }
        }
        round.attempted = claimed.count
        return round
    }

    /// Gives up rows past the retry limits and deletes rows past their retention now; returns the rows deleted.
    @discardableResult
    public func prune() async throws -> Int {
        try await deliverer.prune()
    }

    private enum LoopEvent: Sendable {
        case attemptFinished
        case woke
    }

    private func run() async {
        let deliverer = self.deliverer
        let capacity = configuration.maxConcurrentDeliveries
        let pollInterval = configuration.pollInterval
        let fanOutBatch = configuration.fanOutBatchSize
        let clock = ContinuousClock()
        var nextPrune = clock.now
        await withTaskGroup(of: LoopEvent.self) { group in
            var running = 0
            var sleeping = false
            while !stopRequested && !Task.isCancelled {
                if clock.now >= nextPrune {
                    do { try await deliverer.prune() } catch { logger.error("webhook pruning failed", metadata: ["error": "\(error)"]) }
                    nextPrune = clock.now.advanced(by: configuration.pruneInterval)
                }
                var worked = false
                if !stopRequested {
                    do {
                        let fannedOut = try await deliverer.fanOutDue(limit: fanOutBatch)
                        let (leaseID, claimed) = try await deliverer.claimDue(limit: capacity - running)
                        for delivery in claimed {
                            group.addTask {
                                await deliverer.attempt(delivery, leaseID: leaseID)
                                return .attemptFinished
                            }
                        }
                        running += claimed.count
                        worked = fannedOut > 0 || !claimed.isEmpty
                    } catch {
                        if !Task.isCancelled {
                            logger.error("webhook outbox poll failed", metadata: ["error": "\(error)"])
                        }
                    }
                }
                if worked && running < capacity && !stopRequested { continue }
                if !sleeping {
                    let doorbell = self.doorbell
                    group.addTask {
                        await doorbell.wait(timeout: pollInterval)
                        return .woke
                    }
                    sleeping = true
                }
                guard let event = await group.next() else { break }
                switch event {
                case .attemptFinished: running -= 1
                case .woke: sleeping = false
                }
            }
            // Stopping: the remaining attempts finish (or are cancelled with this task by `stop`'s deadline).
            if sleeping { doorbell.ring() }
        }
    }
}

/// What one `WebhookDispatcher.runOnce()` did.
public struct WebhookDispatchRound: Sendable, Equatable {
    /// Events fanned out to their targets' deliveries.
    public var eventsFannedOut = 0
    /// Delivery attempts made.
    public var attempted = 0
    public var delivered = 0
    /// Attempts that failed temporarily and were scheduled again (or given up at the retry limits).
    public var retried = 0
    /// Attempts that failed permanently.
    public var failed = 0
    /// Attempts interrupted by cancellation.
    public var interrupted = 0

    public init() {}
}
