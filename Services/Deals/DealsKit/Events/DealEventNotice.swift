import Foundation
import PortStore

/// A webhook notice of a deal event (cyberport-reference.md 1.7, events 1–5), built inside the transaction that
/// recorded the timeline entry: who is told, and the JSON body they get.
///
/// | timeline entry        | type                 | operationType      | told                                         |
/// |-----------------------|----------------------|--------------------|----------------------------------------------|
/// | DEAL_CREATED          | deal.created         | createDeal         | the owner's organization                     |
/// | PARTICIPANT_ADDED     | participant.added    | addOrganization    | the organization added                       |
/// | PARTICIPANT_REMOVED   | participant.removed  | deleteOrganization | the organization removed                     |
/// | FORM_SENT             | form.sent            | send               | the participants who may read the form       |
/// | FORM_DELETED          | form.deleted         | delete             | the participants who could see the form      |
///
/// The actor's own organization is told only of a deal it created. Other entries raise no webhook.
struct DealEventNotice: Sendable {
    var type: String
    /// "companies/{c}/organizations/{o}" names, sorted.
    var organizations: [String]
    var payload: Payload

    /// The body: the reference's shape `{mailAddress, userName, data: {dealReportHistoryId, dateTime, …}}`.
    struct Payload: Codable, Sendable, Equatable {
        var mailAddress: String
        var userName: String
        var data: EventData
    }

    /// The `data` object. `dealReportHistoryId` names the timeline entry, unique per event.
    struct EventData: Codable, Sendable, Equatable {
        var dealReportHistoryId: String
        var dateTime: String
        var operationType: String
        var operationName: String
        var dealNo: String
        var dealName: String
        var domesticNo: String
        var bookingNo: String
        var blNumber: String
        var scacCode: String
        var containerNo: String
        var reportCode: String
        var report: String
        var organization: String
        var actorOrganization: String
    }

    /// The notice for `record` (already numbered), or nil when the entry raises no webhook or nobody is told.
    static func make(
        for record: TimelineRecord, audience: TimelineAudience, session: any SQLSession, catalog: FormCatalog
    ) throws -> DealEventNotice? {
        let kinds: [TimelineRecord.Kind: (String, String, String)] = [
            .dealCreated: ("deal.created", "createDeal", "Deal created."),
            .participantAdded: ("participant.added", "addOrganization", "Organization added."),
            .participantRemoved: ("participant.removed", "deleteOrganization", "Organization deleted."),
            .formSent: ("form.sent", "send", "received."),
            .formDeleted: ("form.deleted", "delete", "deleted."),
        ]
        guard let (type, operationType, operationName) = kinds[record.kind],
            let deal = try DealQueries(session: session).find(record.dealNumber)
        else { return nil }
        let told: [String]
        switch record.kind {
        case .dealCreated:
            told = [record.actorOrganization]
        case .participantAdded, .participantRemoved:
            told = [record.participantOrganization]
        default:
            let participants = try DealQueries(session: session).participants(
                deal: record.dealNumber, visibleTo: nil, after: nil, limit: 10_000)
            told = participants.filter { participant in
                guard participant.organizationID != record.actorOrganizationID else { return false }
                let permission = FormAccess.permission(participant, code: record.formCode, catalog: catalog)
                return audience == .editors ? permission == .readWrite : FormAccess.atLeastRead(permission)
            }.map(\.organization)
        }
        guard !told.isEmpty else { return nil }
        let unitKey = record.formID.split(separator: "~", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        let isContainerForm = catalog.forms.first { $0.code == record.formCode }?.unit == .container
        let data = EventData(
            dealReportHistoryId: "deals/\(record.dealNumber)/timelineEntries/\(record.seq)",
            dateTime: Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(
                Date(timeIntervalSince1970: Double(record.occurredAt) / 1e6)),
            operationType: operationType, operationName: operationName, dealNo: deal.dealNumber,
            dealName: deal.displayName, domesticNo: deal.inHouseNumber, bookingNo: deal.bookingNumber,
            blNumber: deal.blNumber, scacCode: deal.scacCode, containerNo: isContainerForm ? unitKey : "",
            reportCode: record.formCode,
            report: record.formID.isEmpty ? "" : "deals/\(record.dealNumber)/forms/\(record.formID)",
            organization: record.participantOrganization, actorOrganization: record.actorOrganization)
        return DealEventNotice(
            type: type, organizations: Array(Set(told)).sorted(),
            payload: Payload(mailAddress: record.actorEmail, userName: record.actorEmail, data: data))
    }
}
