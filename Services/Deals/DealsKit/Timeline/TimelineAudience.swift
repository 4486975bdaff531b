import PortStore

/// Who may see a timeline entry, fixed when it is recorded.
///
/// - `everyone`: every participant (deal entries, participants that are not hidden, NACCS information).
/// - `readers`: participants whose effective permission on the form's code is Read or ReadWrite (a sent form's
///   entries: sending, updates while sent, unsending, reads, the deletion of a form that had been sent).
/// - `editors`: participants with ReadWrite on the code (a draft's entries: creation, updates, deletion before it was
///   ever sent), since only they can see drafts.
/// - `restricted`: only the listed organizations (entries about a hidden participant: the owner, the adder and the
///   participant itself).
/// The organization that made a change always sees its entry.
enum TimelineAudience: String, Sendable {
    case everyone
    case readers
    case editors
    case restricted

    /// The audience of `record`, judged from the deal's participants and the form's earlier entries (whether the form
    /// is SENT right now is the last of its FORM_SENT / FORM_UNSENT / FORM_DELETED entries).
    static func of(_ record: TimelineRecord, in session: any SQLSession) throws -> (TimelineAudience, [String]) {
        switch record.kind {
        case .dealCreated, .dealUpdated, .naccsInformationRecorded:
            return (.everyone, [])
        case .participantAdded, .participantUpdated, .participantRemoved:
            return try participantAudience(record, session)
        case .formSent, .formUnsent, .formRead:
            return (.readers, [])
        case .formCreated:
            return (.editors, [])
        case .formUpdated, .formDeleted:
            return (try formIsOrWasSent(record, session) ? .readers : .editors, [])
        }
    }

    private static func participantAudience(
        _ record: TimelineRecord, _ session: any SQLSession
    ) throws -> (TimelineAudience, [String]) {
        // The participant row as it is now (after an add or update) or was (a removal reads it before deleting it,
        // so the caller passes the hidden flag through the participant lookup below).
        let row = try session.queryOne(
            """
            SELECT p.hidden, p.added_by_organization_id, d.owner_organization_id
            FROM participants p JOIN deals d ON d.deal_number = p.deal_number
            WHERE p.deal_number = $1 AND p.organization_id = $2
            """, [.text(record.dealNumber), .text(record.participantOrganizationID)])
        guard let row, try row.bool("hidden") else { return (.everyone, []) }
        let organizations = Set([
            try row.string("owner_organization_id"), try row.string("added_by_organization_id"),
            record.participantOrganizationID,
        ])
        return (.restricted, organizations.sorted())
    }

    /// Whether the form was ever sent since it was (last) created (for a deletion) or is sent now (for an update):
    /// each a few index look-ups (timeline_entries_form_kind), whatever the length of the form's history.
    private static func formIsOrWasSent(_ record: TimelineRecord, _ session: any SQLSession) throws -> Bool {
        func last(_ kind: TimelineRecord.Kind) throws -> Int64 {
            let row = try session.queryOne(
                "SELECT MAX(seq) AS last FROM timeline_entries WHERE deal_number = $1 AND form_id = $2 AND kind = $3",
                [.text(record.dealNumber), .text(record.formID), .text(kind.rawValue)])
            return try row?.optionalInt("last") ?? 0
        }
        let sent = try last(.formSent)
        guard sent > 0 else { return false }
        let created = try last(.formCreated)
        if record.kind == .formDeleted { return sent > created }
        return sent > max(created, try last(.formUnsent))
    }
}
