import Foundation
import PortServiceKit
import PortStore

/// The durable webhook outbox, kept in the database of the service that raises the events.
///
/// A service appends `WebhookOutbox.migrations(startingAt:)` to its own migration list and calls `enqueue` inside the
/// write transaction that makes the change, so an event exists exactly when the change committed. A
/// `WebhookDispatcher` then fans each event out to the targets of its organizations and delivers it.
///
/// Tables (both prefixed `webhook_`, owned by this library; do not write to them directly):
/// - `webhook_events`: one row per event (id, type, organizations as a JSON array, occurred-at, payload); `status`
///   is `pending` until the event is fanned out, then `dispatched` (or `failed` when its targets could not be looked
///   up before the retry policy gave up).
/// - `webhook_deliveries`: one row per (event, target), with the delivery id sent to the receiver, `status`
///   `pending` / `delivered` / `failed`, the attempt count, the next attempt's time, the lease of the instance working
///   on it, and the last attempt's HTTP status or error.
public enum WebhookOutbox {
    /// The migrations that create the outbox's tables, numbered from `version` upwards (two versions). Append them to
    /// the service's list; never change `version` once they are applied (the names are checked on every open).
    public static func migrations(startingAt version: Int) -> [Migration] {
        [
            Migration(
                version: version, name: "webhook_outbox_events",
                statements: [
                    """
                    CREATE TABLE webhook_events (
                        id TEXT NOT NULL PRIMARY KEY,
                        event_type TEXT NOT NULL,
                        organizations TEXT NOT NULL,
                        occurred_at BIGINT NOT NULL,
                        payload BYTEA NOT NULL,
                        created_at BIGINT NOT NULL,
                        status TEXT NOT NULL,
                        attempts BIGINT NOT NULL,
                        next_attempt_at BIGINT NOT NULL,
                        lease_id TEXT,
                        lease_expires_at BIGINT,
                        last_error TEXT,
                        finished_at BIGINT
                    )
                    """,
                    "CREATE INDEX webhook_events_due ON webhook_events (status, next_attempt_at)",
                ]),
            Migration(
                version: version + 1, name: "webhook_outbox_deliveries",
                statements: [
                    """
                    CREATE TABLE webhook_deliveries (
                        id TEXT NOT NULL PRIMARY KEY,
                        event_id TEXT NOT NULL,
                        target TEXT NOT NULL,
                        status TEXT NOT NULL,
                        attempts BIGINT NOT NULL,
                        next_attempt_at BIGINT NOT NULL,
                        lease_id TEXT,
                        lease_expires_at BIGINT,
                        created_at BIGINT NOT NULL,
                        last_attempt_at BIGINT,
                        last_status_code BIGINT,
                        last_error TEXT,
                        finished_at BIGINT
                    )
                    """,
                    "CREATE UNIQUE INDEX webhook_deliveries_event_target ON webhook_deliveries (event_id, target)",
                    "CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at)",
                    "CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (status, finished_at)",
                ]),
        ]
    }

    /// Stores `event` in the caller's write transaction: it will be delivered if and only if that transaction
    /// commits. Throws `WebhookOutboxError.invalidEvent` for a malformed event (which aborts the transaction) and a
    /// `StoreError` from the database (an existing id is a unique violation). After the transaction commits, call
    /// the dispatcher's `notify()` to deliver without waiting for its next poll.
    public static func enqueue(in session: any SQLSession, event: WebhookEvent) throws {
        try event.validate()
        let organizations = String(decoding: try JSONEncoder().encode(event.organizations), as: UTF8.self)
        let now = WallClock.nowMicros()
        try session.execute(
            """
            INSERT INTO webhook_events (id, event_type, organizations, occurred_at, payload, created_at, status, attempts,
                next_attempt_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $6)
            """,
            .text(event.id), .text(event.type), .text(organizations), .timestamp(event.occurredAt), .bytes(event.payload),
            .int(now))
    }

    /// The stored event with `id`, nil when there is none (never enqueued, rolled back, or pruned).
    public static func event(in session: any SQLSession, id: String) throws -> WebhookEvent? {
        guard
            let row = try session.queryOne(
                "SELECT id, event_type, organizations, occurred_at, payload FROM webhook_events WHERE id = $1", .text(id))
        else { return nil }
        return WebhookEvent(
            id: try row.string("id"), type: try row.string("event_type"),
            organizations: try JSONDecoder().decode([String].self, from: Data(try row.string("organizations").utf8)),
            occurredAt: try row.timestamp("occurred_at"), payload: try row.bytes("payload"))
    }

    /// Deliveries for inspection, oldest first: of one event, or with one status, or all (at most `limit`).
    public static func deliveries(
        in session: any SQLSession, eventID: String? = nil, status: WebhookDeliveryStatus? = nil, limit: Int = 100
    ) throws -> [WebhookDeliveryRecord] {
        try session.query(
            """
            SELECT id, event_id, target, status, attempts, next_attempt_at, created_at, last_attempt_at,
                last_status_code, last_error, finished_at
            FROM webhook_deliveries
            WHERE (CAST($1 AS TEXT) IS NULL OR event_id = $1) AND (CAST($2 AS TEXT) IS NULL OR status = $2)
            ORDER BY created_at, id
            LIMIT $3
            """,
            .text(eventID), .text(status?.rawValue), .int(Int64(max(0, limit)))
        ).map(WebhookDeliveryRecord.init(row:))
    }
}

/// Where a delivery stands.
public enum WebhookDeliveryStatus: String, Sendable, Hashable, CaseIterable {
    /// Waiting for its first or next attempt (or being attempted).
    case pending
    /// A 2xx response was received.
    case delivered
    /// Given up: a permanent error (4xx other than 408/429, the target was deleted, an invalid URL) or the retry
    /// policy's limits. Kept for inspection.
    case failed
}

/// One delivery of an event to one target, as stored.
public struct WebhookDeliveryRecord: Sendable, Equatable {
    /// The delivery id, sent as the `CyberPort-Delivery-Id` header (the same on every attempt).
    public var id: String
    public var eventID: String
    /// The target's resource name ("companies/{c}/webhookTargets/{t}").
    public var target: String
    public var status: WebhookDeliveryStatus
    /// Attempts started so far.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var createdAt: Date
    public var lastAttemptAt: Date?
    /// The last response's HTTP status, nil when it got none.
    public var lastStatusCode: Int?
    /// Why the last attempt did not deliver (no secrets, no response body).
    public var lastError: String?
    /// When it was delivered or given up.
    public var finishedAt: Date?

    init(row: SQLRow) throws {
        id = try row.string("id")
        eventID = try row.string("event_id")
        target = try row.string("target")
        let statusText = try row.string("status")
        guard let status = WebhookDeliveryStatus(rawValue: statusText) else {
            throw StoreError.decoding(column: "status", message: "unknown delivery status \"\(statusText)\"")
        }
        self.status = status
        attempts = Int(try row.int("attempts"))
        nextAttemptAt = try row.timestamp("next_attempt_at")
        createdAt = try row.timestamp("created_at")
        lastAttemptAt = try row.optionalTimestamp("last_attempt_at")
        lastStatusCode = try row.optionalInt("last_status_code").map { Int($0) }
        lastError = try row.optionalString("last_error")
        finishedAt = try row.optionalTimestamp("finished_at")
    }
}
