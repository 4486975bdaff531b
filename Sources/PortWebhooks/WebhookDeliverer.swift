import Logging
import PortServiceKit
import PortStore

/// What one attempt came to.
enum AttemptOutcome: Sendable, Equatable {
    case delivered(statusCode: Int)
    /// Try again later.
    case retry(statusCode: Int?, reason: String)
    /// Retrying cannot help.
    case permanentFailure(statusCode: Int?, reason: String)
    /// Interrupted by a shutdown: the lease is given back.
    case interrupted
}

/// Fans events out and makes delivery attempts: the work of one round, without the scheduling (which is
/// `WebhookDispatcher`'s).
struct WebhookDeliverer: Sendable {
    let database: Database
    let directory: any WebhookTargetDirectory
    let poster: any HTTPPoster
    let configuration: WebhookDispatcherConfiguration
    let logger: Logger

    private var retry: WebhookRetryPolicy { configuration.retry }
    private var leaseMicros: Int64 { WebhookRetryPolicy.microseconds(configuration.effectiveLease) }
    private var maxAgeMicros: Int64 { WebhookRetryPolicy.microseconds(retry.maxAge) }

    // MARK: Fan-out

    /// Fans out up to `limit` due events; returns how many were claimed.
    func fanOutDue(limit: Int) async throws -> Int {
        let leaseID = ResourceID.generate()
        let now = WallClock.nowMicros()
        let events = try await database.write { session in
            try OutboxQueries(session: session).claimEvents(
                leaseID: leaseID, now: now, leaseUntil: now + leaseMicros, limit: limit, maxAttempts: retry.maxAttempts,
                notBefore: now - maxAgeMicros)
        }
        for event in events {
            await fanOut(event, leaseID: leaseID)
        }
        return events.count
    }

    private func fanOut(_ event: ClaimedEvent, leaseID: String) async {
        var targets: Set<String> = []
        do {
            for organization in event.organizations {
                for target in try await directory.targets(forOrganization: organization) { targets.insert(target.name) }
            }
        } catch {
            let now = WallClock.nowMicros()
            let next = nextAttempt(after: event.attempts, createdAt: event.createdAt, now: now)
            logger.warning(
                "webhook targets could not be looked up",
                metadata: [
                    "webhook.event_id": "\(event.id)", "webhook.attempt": "\(event.attempts)", "error": "\(error)",
                    "webhook.gave_up": "\(next == nil)",
                ])
            await record("fan-out failure of \(event.id)") { session in
                try OutboxQueries(session: session).failFanOut(
                    eventID: event.id, leaseID: leaseID, error: "target look-up failed: \(error)", nextAttemptAt: next,
                    now: now)
            }
            return
        }
        let sorted = targets.sorted()
        let now = WallClock.nowMicros()
        await record("fan-out of \(event.id)") { session in
            let done = try OutboxQueries(session: session).completeFanOut(
                eventID: event.id, leaseID: leaseID, targets: sorted, now: now)
            if done {
                logger.debug(
                    "webhook event fanned out",
                    metadata: ["webhook.event_id": "\(event.id)", "webhook.targets": "\(sorted.count)"])
            }
        }
    }

    // MARK: Deliveries

    /// Leases up to `limit` due deliveries (under one new lease id).
    func claimDue(limit: Int) async throws -> (leaseID: String, deliveries: [ClaimedDelivery]) {
        guard limit > 0 else { return ("", []) }
        let leaseID = ResourceID.generate()
        let now = WallClock.nowMicros()
        let claimed = try await database.write { session in
            try OutboxQueries(session: session).claimDeliveries(
                leaseID: leaseID, now: now, leaseUntil: now + leaseMicros, limit: limit, maxAttempts: retry.maxAttempts,
                notBefore: now - maxAgeMicros)
        }
        return (leaseID, claimed)
    }

    /// Makes one attempt at a claimed delivery and records its outcome.
    @discardableResult
    func attempt(_ delivery: ClaimedDelivery, leaseID: String) async -> AttemptOutcome {
        let outcome = await send(delivery)
        let now = WallClock.nowMicros()
        var metadata: Logger.Metadata = [
            "webhook.delivery_id": "\(delivery.id)", "webhook.event_id": "\(delivery.eventID)",
            "webhook.event_type": "\(delivery.eventType)", "webhook.target": "\(delivery.target)",
            "webhook.attempt": "\(delivery.attempts)",
        ]
        switch outcome {
        case .delivered(let statusCode):
            metadata["http.status"] = "\(statusCode)"
            logger.info("webhook delivered", metadata: metadata)
            await record("delivery \(delivery.id)") { session in
                try OutboxQueries(session: session).markDelivered(id: delivery.id, statusCode: statusCode, now: now)
            }
        case .retry(let statusCode, let reason):
            let next = nextAttempt(after: delivery.attempts, createdAt: delivery.createdAt, now: now)
            metadata["http.status"] = "\(statusCode.map(String.init) ?? "none")"
            metadata["error"] = "\(reason)"
            if let next {
                metadata["webhook.retry_in_ms"] = "\((next - now) / 1000)"
                logger.notice("webhook attempt failed; will retry", metadata: metadata)
            } else {
                logger.warning("webhook delivery failed; retries exhausted", metadata: metadata)
            }
            await record("delivery \(delivery.id)") { session in
                try OutboxQueries(session: session).recordFailure(
                    id: delivery.id, leaseID: leaseID, statusCode: statusCode,
                    error: next == nil ? "gave up after \(delivery.attempts) attempt(s): \(reason)" : reason,
                    nextAttemptAt: next, now: now)
            }
        case .permanentFailure(let statusCode, let reason):
            metadata["http.status"] = "\(statusCode.map(String.init) ?? "none")"
            metadata["error"] = "\(reason)"
            logger.warning("webhook delivery failed permanently", metadata: metadata)
            await record("delivery \(delivery.id)") { session in
                try OutboxQueries(session: session).recordFailure(
                    id: delivery.id, leaseID: leaseID, statusCode: statusCode, error: reason, nextAttemptAt: nil, now: now)
            }
        case .interrupted:
            logger.info("webhook attempt interrupted by shutdown", metadata: metadata)
            await record("release of \(delivery.id)") { session in
                try OutboxQueries(session: session).release(id: delivery.id, leaseID: leaseID, now: now)
            }
        }
        return outcome
    }

    /// Resolves the target, signs and POSTs; classifies the result.
    private func send(_ delivery: ClaimedDelivery) async -> AttemptOutcome {
        let target: WebhookTarget
        do {
            guard let found = try await directory.target(named: delivery.target) else {
                return .permanentFailure(statusCode: nil, reason: "the webhook target no longer exists")
            }
            target = found
        } catch {
            if Task.isCancelled { return .interrupted }
            return .retry(statusCode: nil, reason: "target look-up failed: \(error)")
        }
        let timestamp = WallClock.nowMicros() / 1_000_000
        let request = HTTPPostRequest(
            url: target.url,
            headers: WebhookSignature.headers(
                deliveryID: delivery.id, eventID: delivery.eventID, eventType: delivery.eventType,
                attempt: delivery.attempts, timestamp: timestamp, secret: target.secret, body: delivery.payload),
            body: delivery.payload, connectTimeout: configuration.connectTimeout,
            totalTimeout: configuration.requestTimeout)
        do {
            let response = try await poster.post(request)
            return Self.classify(statusCode: response.statusCode)
        } catch .cancelled {
            return .interrupted
        } catch .invalidURL(let message) {
            return .permanentFailure(statusCode: nil, reason: "invalid URL: \(message)")
        } catch {
            return .retry(statusCode: nil, reason: error.description)
        }
    }

    /// 2xx delivered; 408, 429, 5xx (and 1xx/3xx) retried; other 4xx permanent.
    static func classify(statusCode: Int) -> AttemptOutcome {
        switch statusCode {
        case 200..<300:
            return .delivered(statusCode: statusCode)
        case 408, 429:
            return .retry(statusCode: statusCode, reason: "HTTP \(statusCode)")
        case 400..<500:
            return .permanentFailure(statusCode: statusCode, reason: "HTTP \(statusCode)")
        default:
            return .retry(statusCode: statusCode, reason: "HTTP \(statusCode)")
        }
    }

    /// When to try again after `attempts` attempts, nil when the policy gives up.
    private func nextAttempt(after attempts: Int, createdAt: Int64, now: Int64) -> Int64? {
        guard attempts < retry.maxAttempts else { return nil }
        let next = now + WebhookRetryPolicy.microseconds(retry.delay(afterAttempt: attempts))
        guard next < createdAt + maxAgeMicros else { return nil }
        return next
    }

    /// Runs a bookkeeping write in a task of its own, so that it completes even when the caller is being cancelled
    /// (a lease not given back here simply expires). Failures are logged: the lease then expires and the row is
    /// tried again.
    private func record(_ what: String, _ body: @escaping @Sendable (any SQLSession) throws -> Void) async {
        let database = self.database
        let result = await Task { try await database.write(body) }.result
        if case .failure(let error) = result {
            logger.error("webhook outbox update failed", metadata: ["webhook.update": "\(what)", "error": "\(error)"])
        }
    }

    // MARK: Maintenance

    /// Gives up exhausted rows and deletes expired ones; returns the number of rows deleted.
    @discardableResult
    func prune() async throws -> Int {
        let now = WallClock.nowMicros()
        let deliveredBefore = now - WebhookRetryPolicy.microseconds(configuration.deliveredRetention)
        let failedBefore = configuration.failedRetention.map { now - WebhookRetryPolicy.microseconds($0) }
        let maxAttempts = retry.maxAttempts
        let createdBefore = now - maxAgeMicros
        let limit = max(1, configuration.pruneBatchSize)
        let gaveUp = try await database.write { session in
            try OutboxQueries(session: session).giveUpExhausted(
                now: now, maxAttempts: maxAttempts, createdBefore: createdBefore)
        }
        if gaveUp > 0 { logger.warning("webhook rows given up after their retry limits", metadata: ["count": "\(gaveUp)"]) }
        var total = 0
        while true {
            let deleted = try await database.write { session in
                try OutboxQueries(session: session).prune(
                    deliveredBefore: deliveredBefore, failedBefore: failedBefore, limit: limit)
            }
            total += deleted
            if deleted == 0 || Task.isCancelled { break }
        }
        if total > 0 { logger.info("webhook outbox pruned", metadata: ["rows": "\(total)"]) }
        return total
    }
}
