import PortProtocol
import PortServiceKit

extension StoredTimelineEntry {
    /// The entry as the API shows it.
    var proto: Cyberport_Deals_V1_TimelineEntry {
        var entry = Cyberport_Deals_V1_TimelineEntry()
        let deal = "deals/\(record.dealNumber)"
        entry.name = "\(deal)/timelineEntries/\(record.seq)"
        entry.kind = record.kind.proto
        entry.time = Google_Protobuf_Timestamp(micros: record.occurredAt)
        entry.actorOrganization = record.actorOrganization
        entry.actor = record.actor
        if !record.formID.isEmpty {
            entry.form = "\(deal)/forms/\(record.formID)"
            entry.formCode = record.formCode
        }
        entry.participantOrganization = record.participantOrganization
        entry.changes = record.changes.map { change in
            var proto = Cyberport_Deals_V1_FieldChange()
            proto.field = change.field
            proto.oldValue = change.old
            proto.newValue = change.new
            return proto
        }
        return entry
    }
}

extension TimelineRecord.Kind {
    var proto: Cyberport_Deals_V1_TimelineEntryKind {
        switch self {
        case .dealCreated: .dealCreated
        case .dealUpdated: .dealUpdated
        case .participantAdded: .participantAdded
        case .participantUpdated: .participantUpdated
        case .participantRemoved: .participantRemoved
        case .formCreated: .formCreated
        case .formUpdated: .formUpdated
        case .formSent: .formSent
        case .naccsInformationRecorded: .naccsInformationRecorded
        case .formUnsent: .formUnsent
        case .formDeleted: .formDeleted
        case .formRead: .formRead
        }
    }
}
