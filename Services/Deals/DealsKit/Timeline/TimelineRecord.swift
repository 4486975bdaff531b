import Foundation
import PortAuth
import PortRPC
import PortStore
import PortWebhooks

/// What happened to a deal (one timeline entry), recorded inside the transaction that made the change.
struct TimelineRecord: Sendable, Hashable {
    /// The kinds of change, as stored (the proto enum's names).
    enum Kind: String, Sendable, CaseIterable {
        case dealCreated = "DEAL_CREATED"
        case dealUpdated = "DEAL_UPDATED"
        case participantAdded = "PARTICIPANT_ADDED"
        case participantUpdated = "PARTICIPANT_UPDATED"
        case participantRemoved = "PARTICIPANT_REMOVED"
        case formCreated = "FORM_CREATED"
        case formUpdated = "FORM_UPDATED"
        case formSent = "FORM_SENT"
        case formUnsent = "FORM_UNSENT"
        case formDeleted = "FORM_DELETED"
        case formRead = "FORM_READ"
        case naccsInformationRecorded = "NACCS_INFORMATION_RECORDED"
    }

    /// One changed field ("vesselName", "containers[2].sealNo"; for deals the proto field name).
    struct Change: Sendable, Hashable, Codable {
        var field: String
        var old: String
        var new: String
    }

    var dealNumber: String
    var kind: Kind
    /// "companies/{c}/organizations/{o}" and its id.
    var actorOrganization: String
    var actorOrganizationID: String
    /// The principal's subject (user or API key).
    var actor: String
    /// The acting user's e-mail address ("" for API keys); not stored in the timeline, only sent with webhooks.
    var actorEmail: String = ""
    /// The form id ("UL040", "UL090~MSCU1234565") and code, or "" when the entry is not about a form.
    var formID: String = ""
    var formCode: String = ""
    /// The organization concerned by a participant entry, or "".
    var participantOrganization: String = ""
    var participantOrganizationID: String = ""
    var changes: [Change] = []
    /// Set when read back: the entry's number within its deal, and when it happened (Unix µs).
    var seq: Int64 = 0
    var occurredAt: Int64 = 0
}

/// The timeline table.
enum TimelineQueries {
    /// Appends `record` to its deal's timeline, numbering it after the deal's last entry, and puts the webhook event
    /// it raises (``DealEventNotice``) in the outbox; returns the number. Call it inside the write transaction that
    /// made the change, and `DealsContext.committed(deal:)` after it committed.
    @discardableResult
    static func append(_ session: any SQLSession, _ record: TimelineRecord, now: Int64) throws -> Int64 {
        guard
            let row = try session.queryOne(
                "UPDATE deals SET last_timeline_seq = last_timeline_seq + 1 WHERE deal_number = $1 RETURNING last_timeline_seq",
                [.text(record.dealNumber)])
        else { throw RPCError(.notFound, "deals/\(record.dealNumber) does not exist") }
        let seq = try row.int("last_timeline_seq")
        let changes = String(decoding: try JSONEncoder().encode(record.changes), as: UTF8.self)
        let (audience, organizations) = try TimelineAudience.of(record, in: session)
        try session.execute(
            """
            INSERT INTO timeline_entries (deal_number, seq, kind, occurred_at, actor_organization, actor_organization_id,
              actor, form_id, form_code, participant_organization, participant_organization_id, changes, audience,
              audience_organizations)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [
                .text(record.dealNumber), .int(seq), .text(record.kind.rawValue), .int(now),
                .text(record.actorOrganization), .text(record.actorOrganizationID), .text(record.actor),
                .text(record.formID), .text(record.formCode), .text(record.participantOrganization),
                .text(record.participantOrganizationID), .text(changes), .text(audience.rawValue),
                .text(organizations.joined(separator: ",")),
            ])
        var numbered = record
        numbered.seq = seq
        numbered.occurredAt = now
        if let notice = try DealEventNotice.make(
            for: numbered, audience: audience, session: session, catalog: try FormCatalog.load())
        {
            try WebhookOutbox.enqueue(
                in: session,
                event: WebhookEvent(
                    type: notice.type, organizations: notice.organizations,
                    occurredAt: Date(timeIntervalSince1970: Double(now) / 1e6), json: notice.payload))
        }
        return seq
    }

    /// Entries of `dealNumber` after `afterSeq`, oldest first, at most `limit`; only those of form `formID` if given.
    static func entries(
        _ session: any SQLSession, deal dealNumber: String, formID: String?, afterSeq: Int64, limit: Int
    ) throws -> [StoredTimelineEntry] {
        var sql = "SELECT * FROM timeline_entries WHERE deal_number = $1 AND seq > $2"
        var binds: [SQLValue] = [.text(dealNumber), .int(afterSeq)]
        if let formID {
            sql += " AND form_id = $3"
            binds.append(.text(formID))
        }
        sql += " ORDER BY seq LIMIT \(limit)"
        return try session.query(sql, binds).map(StoredTimelineEntry.init(row:))
    }

    /// The number of the deal's last entry (0 when it has none).
    static func lastSeq(_ session: any SQLSession, deal dealNumber: String) throws -> Int64 {
        let row = try session.queryOne("SELECT last_timeline_seq FROM deals WHERE deal_number = $1", [.text(dealNumber)])
        return try row?.int("last_timeline_seq") ?? 0
    }
}

extension TimelineRecord {
    /// An entry about `dealNumber` made by `caller`.
    init(deal dealNumber: String, kind: Kind, caller: DealCaller) {
        self.init(
            dealNumber: dealNumber, kind: kind, actorOrganization: caller.organization,
            actorOrganizationID: caller.organizationID, actor: caller.principal.subject,
            actorEmail: caller.principal.email ?? "")
    }

    /// An entry about a participant of `dealNumber` made by `caller`.
    init(deal dealNumber: String, kind: Kind, caller: DealCaller, participant: ParticipantRecord) {
        self.init(deal: dealNumber, kind: kind, caller: caller)
        participantOrganization = participant.organization
        participantOrganizationID = participant.organizationID
    }

    /// An entry about form `formID` (code `formCode`) of `dealNumber` made by `caller`.
    init(deal dealNumber: String, kind: Kind, caller: DealCaller, formID: String, formCode: String) {
        self.init(deal: dealNumber, kind: kind, caller: caller)
        self.formID = formID
        self.formCode = formCode
    }
}

/// A timeline entry as stored, with who may see it.
struct StoredTimelineEntry: Sendable {
    var record: TimelineRecord
    var audience: TimelineAudience
    /// Organization ids of a `restricted` audience.
    var audienceOrganizations: Set<String>

    init(row: SQLRow) throws {
        guard let kind = TimelineRecord.Kind(rawValue: try row.string("kind")) else {
            throw StoreError.decoding(column: "kind", message: "unknown timeline entry kind")
        }
        record = TimelineRecord(
            dealNumber: try row.string("deal_number"), kind: kind,
            actorOrganization: try row.string("actor_organization"),
            actorOrganizationID: try row.string("actor_organization_id"), actor: try row.string("actor"),
            formID: try row.string("form_id"), formCode: try row.string("form_code"),
            participantOrganization: try row.string("participant_organization"),
            participantOrganizationID: try row.string("participant_organization_id"),
            changes: try JSONDecoder().decode([TimelineRecord.Change].self, from: Data(try row.string("changes").utf8)),
            seq: try row.int("seq"), occurredAt: try row.int("occurred_at"))
        audience = TimelineAudience(rawValue: try row.string("audience")) ?? .restricted
        audienceOrganizations = Set(try row.string("audience_organizations").split(separator: ",").map(String.init))
    }
}
