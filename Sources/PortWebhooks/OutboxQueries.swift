import Foundation
import PortServiceKit
import PortStore

/// An event claimed for fan-out.
struct ClaimedEvent: Sendable {
    var id: String
    var organizations: [String]
    var attempts: Int
    var createdAt: Int64
}

/// A delivery claimed for an attempt, with what the attempt sends.
struct ClaimedDelivery: Sendable {
    var id: String
    var eventID: String
    var eventType: String
    var target: String
    /// Attempts started, this one included.
    var attempts: Int
    var createdAt: Int64
    var payload: [UInt8]
}

/// The outbox's SQL. Times are Unix microseconds. Claims are conditional updates of a lease (`lease_id`,
/// `lease_expires_at`): a row is claimed only while nobody holds an unexpired lease on it, so several instances on
/// one PostgreSQL never work on the same row at once (a concurrent claim of the same row fails with a serialization
/// error inside the SERIALIZABLE write and is re-run by the store), and SQLite's single writer serializes claims.
/// Results are recorded only under the lease that claimed the row (except "delivered", which always wins).
struct OutboxQueries {
    let session: any SQLSession

    // MARK: Fan-out

    /// Leases up to `limit` events due for fan-out.
    func claimEvents(leaseID: String, now: Int64, leaseUntil: Int64, limit: Int, maxAttempts: Int, notBefore: Int64)
        throws -> [ClaimedEvent]
    {
        let candidates = try session.query(
            """
            SELECT id FROM webhook_events
            WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
                AND attempts < $2 AND created_at > $3
            ORDER BY next_attempt_at, id LIMIT $4
            """,
            .int(now), .int(Int64(maxAttempts)), .int(notBefore), .int(Int64(limit))
        ).map { try $0.string("id") }
        var claimed: [ClaimedEvent] = []
        for id in candidates {
            guard
                let row = try session.queryOne(
                    """
                    UPDATE webhook_events SET lease_id = $2, lease_expires_at = $3, attempts = attempts + 1
                    WHERE id = $1 AND status = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= $4)
                    RETURNING id, organizations, attempts, created_at
                    """,
                    .text(id), .text(leaseID), .int(leaseUntil), .int(now))
            else { continue }
            claimed.append(
                ClaimedEvent(
                    id: try row.string("id"),
                    organizations: try JSONDecoder().decode([String].self, from: Data(try row.string("organizations").utf8)),
                    attempts: Int(try row.int("attempts")), createdAt: try row.int("created_at")))
        }
        return claimed
    }

    /// Creates one pending delivery per target (none twice for the same event and target) and marks the event
    /// dispatched; false, with nothing written, when the lease was lost meanwhile.
    func completeFanOut(eventID: String, leaseID: String, targets: [String], now: Int64) throws -> Bool {
        let updated = try session.execute(
            """
            UPDATE webhook_events SET status = 'dispatched', finished_at = $3, lease_id = NULL, lease_expires_at = NULL,
                last_error = NULL
            WHERE id = $1 AND lease_id = $2 AND status = 'pending'
            """,
            .text(eventID), .text(leaseID), .int(now))
        guard updated == 1 else { return false }
        for target in targets {
            try session.execute(
                """
                INSERT INTO webhook_deliveries (id, event_id, target, status, attempts, next_attempt_at, created_at)
                VALUES ($1, $2, $3, 'pending', 0, $4, $4)
                ON CONFLICT (event_id, target) DO NOTHING
                """,
                .text(ResourceID.generate(now: now)), .text(eventID), .text(target), .int(now))
        }
        return true
    }

    /// Schedules another fan-out attempt, or gives the event up when `nextAttemptAt` is nil.
    func failFanOut(eventID: String, leaseID: String, error: String, nextAttemptAt: Int64?, now: Int64) throws {
        if let nextAttemptAt {
            try session.execute(
                """
                UPDATE webhook_events SET next_attempt_at = $3, last_error = $4, lease_id = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                .text(eventID), .text(leaseID), .int(nextAttemptAt), .text(error))
        } else {
            try session.execute(
                """
                UPDATE webhook_events SET status = 'failed', finished_at = $3, last_error = $4, lease_id = NULL,
                    lease_expires_at = NULL
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                .text(eventID), .text(leaseID), .int(now), .text(error))
        }
    }

    // MARK: Deliveries

    /// Leases up to `limit` deliveries due for an attempt and counts the attempt.
    func claimDeliveries(
        leaseID: String, now: Int64, leaseUntil: Int64, limit: Int, maxAttempts: Int, notBefore: Int64
    ) throws -> [ClaimedDelivery] {
        let candidates = try session.query(
            """
            SELECT id FROM webhook_deliveries
            WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
                AND attempts < $2 AND created_at > $3
            ORDER BY next_attempt_at, id LIMIT $4
            """,
            .int(now), .int(Int64(maxAttempts)), .int(notBefore), .int(Int64(limit))
        ).map { try $0.string("id") }
        var claimed: [ClaimedDelivery] = []
        for id in candidates {
            let updated = try session.execute(
                """
                UPDATE webhook_deliveries SET lease_id = $2, lease_expires_at = $3, attempts = attempts + 1,
                    last_attempt_at = $4
                WHERE id = $1 AND status = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= $4)
                """,
                .text(id), .text(leaseID), .int(leaseUntil), .int(now))
            guard updated == 1,
                let row = try session.queryOne(
                    """
                    SELECT d.id, d.event_id, d.target, d.attempts, d.created_at, e.event_type, e.payload
                    FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
                    WHERE d.id = $1
                    """,
                    .text(id))
            else { continue }
            claimed.append(
                ClaimedDelivery(
                    id: try row.string("id"), eventID: try row.string("event_id"), eventType: try row.string("event_type"),
                    target: try row.string("target"), attempts: Int(try row.int("attempts")),
                    createdAt: try row.int("created_at"), payload: try row.bytes("payload")))
        }
        return claimed
    }

    /// Records a 2xx response (whoever holds the lease: the receiver has the event).
    func markDelivered(id: String, statusCode: Int, now: Int64) throws {
        try session.execute(
            """
            UPDATE webhook_deliveries SET status = 'delivered', finished_at = $2, last_status_code = $3, last_error = NULL,
                lease_id = NULL, lease_expires_at = NULL
            WHERE id = $1 AND status = 'pending'
            """,
            .text(id), .int(now), .int(Int64(statusCode)))
    }

    /// Records a failed attempt under `leaseID`: another attempt at `nextAttemptAt`, or given up when it is nil.
    func recordFailure(id: String, leaseID: String, statusCode: Int?, error: String, nextAttemptAt: Int64?, now: Int64)
        throws
    {
        if let nextAttemptAt {
            try session.execute(
                """
                UPDATE webhook_deliveries SET next_attempt_at = $3, last_status_code = $4, last_error = $5,
                    lease_id = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                .text(id), .text(leaseID), .int(nextAttemptAt), .int(statusCode.map(Int64.init)), .text(error))
        } else {
            try session.execute(
                """
                UPDATE webhook_deliveries SET status = 'failed', finished_at = $3, last_status_code = $4, last_error = $5,
                    lease_id = NULL, lease_expires_at = NULL
                WHERE id = $1 AND lease_id = $2 AND status = 'pending'
                """,
                .text(id), .text(leaseID), .int(now), .int(statusCode.map(Int64.init)), .text(error))
        }
    }

    /// Gives a claimed delivery back (the attempt was interrupted by a shutdown): due again at once.
    func release(id: String, leaseID: String, now: Int64) throws {
        try session.execute(
            """
            UPDATE webhook_deliveries SET lease_id = NULL, lease_expires_at = NULL, next_attempt_at = $3,
                last_error = 'interrupted by a shutdown'
            WHERE id = $1 AND lease_id = $2 AND status = 'pending'
            """,
            .text(id), .text(leaseID), .int(now))
    }

    // MARK: Maintenance

    /// Gives up unleased pending rows past the retry limits (rows whose attempts ran out because the instances
    /// working on them stopped mid-attempt). Returns the number of rows.
    func giveUpExhausted(now: Int64, maxAttempts: Int, createdBefore: Int64) throws -> Int {
        var count = 0
        for table in ["webhook_deliveries", "webhook_events"] {
            count += try session.execute(
                """
                UPDATE \(table) SET status = 'failed', finished_at = $1, lease_id = NULL, lease_expires_at = NULL,
                    last_error = 'gave up after ' || CAST(attempts AS TEXT) || ' attempt(s): '
                        || COALESCE(last_error, 'no attempt finished')
                WHERE status = 'pending' AND (lease_expires_at IS NULL OR lease_expires_at <= $1)
                    AND (attempts >= $2 OR created_at <= $3)
                """,
                .int(now), .int(Int64(maxAttempts)), .int(createdBefore))
        }
        return count
    }

    /// Deletes up to `limit` finished deliveries (delivered before `deliveredBefore`, failed before `failedBefore`)
    /// and events that are finished and have no deliveries left. Returns the number of rows deleted.
    func prune(deliveredBefore: Int64, failedBefore: Int64?, limit: Int) throws -> Int {
        var deleted = try session.execute(
            """
            DELETE FROM webhook_deliveries WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE (status = 'delivered' AND finished_at <= $1) OR (status = 'failed' AND finished_at <= $2)
                LIMIT $3)
            """,
            .int(deliveredBefore), .int(failedBefore), .int(Int64(limit)))
        deleted += try session.execute(
            """
            DELETE FROM webhook_events WHERE id IN (
                SELECT e.id FROM webhook_events e
                WHERE ((e.status = 'dispatched' AND e.finished_at <= $1) OR (e.status = 'failed' AND e.finished_at <= $2))
                    AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
                LIMIT $3)
            """,
            .int(deliveredBefore), .int(failedBefore), .int(Int64(limit)))
        return deleted
    }
}
