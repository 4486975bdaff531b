import CyberPortTestSupport
import DealsKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import PortStore

/// One timeline entry as stored (ListTimelineEntries is another part of the service; tests read the table).
struct StoredTimelineEntry: Sendable, Equatable {
    struct Change: Sendable, Equatable, Decodable {
        var field: String
        var old: String
        var new: String
    }

    var kind: String
    var formID: String
    var actorOrganization: String
    var changes: [Change]

    /// The changed field names.
    var fields: [String] { changes.map(\.field) }
}

/// The FormService through the real client, for tests.
extension DealsHarness {
    var forms: Cyberport_Deals_V1_FormServiceClient { Cyberport_Deals_V1_FormServiceClient(client) }

    func createForm(
        _ deal: Cyberport_Deals_V1_Deal, _ code: String, key: String = "", by member: Member
    ) async throws -> Cyberport_Deals_V1_Form {
        var request = Cyberport_Deals_V1_CreateFormRequest()
        request.parent = deal.name
        request.formCode = code
        request.unitKey = key
        return try await forms.createForm(request, options: member.options)
    }

    func getForm(_ name: String, by member: Member) async throws -> Cyberport_Deals_V1_Form {
        var request = Cyberport_Deals_V1_GetFormRequest()
        request.name = name
        return try await forms.getForm(request, options: member.options)
    }

    /// Writes `values` and `groups` (mask = their names plus `clear`) with the form's etag as given.
    @discardableResult
    func updateForm(
        _ form: Cyberport_Deals_V1_Form, values: [String: String] = [:], groups: [String: [[String: String]]] = [:],
        clear: [String] = [], mask: [String]? = nil, by member: Member
    ) async throws -> Cyberport_Deals_V1_Form {
        var input = Cyberport_Deals_V1_Form()
        input.name = form.name
        input.etag = form.etag
        var data = Cyberport_Deals_V1_FormData()
        data.values = values
        data.groups = groups.mapValues { rows in
            var message = Cyberport_Deals_V1_FormRows()
            message.rows = rows.map { values in
                var row = Cyberport_Deals_V1_FormRow()
                row.values = values
                return row
            }
            return message
        }
        input.data = data
        var request = Cyberport_Deals_V1_UpdateFormRequest()
        request.form = input
        let paths = mask ?? (values.keys.sorted() + groups.keys.sorted() + clear)
        var fieldMask = Google_Protobuf_FieldMask()
        fieldMask.paths = paths
        request.updateMask = fieldMask
        return try await forms.updateForm(request, options: member.options)
    }

    /// Reads the form, then writes (the usual read-modify-write).
    @discardableResult
    func write(
        _ name: String, values: [String: String] = [:], groups: [String: [[String: String]]] = [:], by member: Member
    ) async throws -> Cyberport_Deals_V1_Form {
        let current = try await getForm(name, by: member)
        return try await updateForm(current, values: values, groups: groups, by: member)
    }

    @discardableResult
    func send(_ name: String, etag: String? = nil, by member: Member) async throws -> Cyberport_Deals_V1_Form {
        var request = Cyberport_Deals_V1_SendFormRequest()
        request.name = name
        if let etag {
            request.etag = etag
        } else {
            request.etag = try await getForm(name, by: member).etag
        }
        return try await forms.sendForm(request, options: member.options)
    }

    @discardableResult
    func unsend(_ name: String, etag: String = "", by member: Member) async throws -> Cyberport_Deals_V1_Form {
        var request = Cyberport_Deals_V1_UnsendFormRequest()
        request.name = name
        request.etag = etag
        return try await forms.unsendForm(request, options: member.options)
    }

    func deleteForm(_ name: String, etag: String = "", by member: Member) async throws {
        var request = Cyberport_Deals_V1_DeleteFormRequest()
        request.name = name
        request.etag = etag
        _ = try await forms.deleteForm(request, options: member.options)
    }

    func listForms(
        _ deal: Cyberport_Deals_V1_Deal, by member: Member,
        configure: (inout Cyberport_Deals_V1_ListFormsRequest) -> Void = { _ in }
    ) async throws -> Cyberport_Deals_V1_ListFormsResponse {
        var request = Cyberport_Deals_V1_ListFormsRequest()
        request.parent = deal.name
        configure(&request)
        return try await forms.listForms(request, options: member.options)
    }

    /// Every form id the member sees, through all pages.
    func allFormIDs(_ deal: Cyberport_Deals_V1_Deal, by member: Member) async throws -> [String] {
        var ids: [String] = []
        var token = ""
        repeat {
            let page = try await listForms(deal, by: member) {
                $0.pageSize = 100
                $0.pageToken = token
            }
            ids += page.forms.map { String($0.name.split(separator: "/").last ?? "") }
            token = page.nextPageToken
        } while !token.isEmpty
        return ids
    }

    @discardableResult
    func markRead(_ name: String, by member: Member) async throws -> Cyberport_Deals_V1_ReadReceipt {
        var request = Cyberport_Deals_V1_MarkFormReadRequest()
        request.name = name
        return try await forms.markFormRead(request, options: member.options)
    }

    func receipts(
        _ name: String, pageSize: Int32 = 0, token: String = "", by member: Member
    ) async throws -> Cyberport_Deals_V1_ListReadReceiptsResponse {
        var request = Cyberport_Deals_V1_ListReadReceiptsRequest()
        request.parent = name
        request.pageSize = pageSize
        request.pageToken = token
        return try await forms.listReadReceipts(request, options: member.options)
    }

    func rootDocument(_ deal: Cyberport_Deals_V1_Deal, by member: Member) async throws -> Cyberport_Deals_V1_RootDocument {
        var request = Cyberport_Deals_V1_GetRootDocumentRequest()
        request.name = "\(deal.name)/rootDocument"
        return try await forms.getRootDocument(request, options: member.options)
    }

    /// The deal's timeline entries in order, read from the store.
    func timeline(_ deal: Cyberport_Deals_V1_Deal, formID: String? = nil) async throws -> [StoredTimelineEntry] {
        let dealNumber = deal.dealNumber
        let entries = try await store.read { session in
            try session.query(
                "SELECT kind, form_id, actor_organization, changes FROM timeline_entries WHERE deal_number = $1 ORDER BY seq",
                [.text(dealNumber)]
            ).map { row in
                StoredTimelineEntry(
                    kind: try row.string("kind"), formID: try row.string("form_id"),
                    actorOrganization: try row.string("actor_organization"),
                    changes: try JSONDecoder().decode(
                        [StoredTimelineEntry.Change].self, from: Data(try row.string("changes").utf8)))
            }
        }
        return formID.map { id in entries.filter { $0.formID == id } } ?? entries
    }
}

extension Cyberport_Deals_V1_Form {
    /// A scalar value ("" when empty).
    subscript(_ field: String) -> String { data?.values[field] ?? "" }

    /// The rows of a group.
    func rows(_ group: String) -> [[String: String]] { data?.groups[group]?.rows.map(\.values) ?? [] }
}

extension Cyberport_Deals_V1_RootDocument {
    /// The scalar value at `path` ("" when absent).
    func value(_ path: String) -> String { values.first { $0.path == path }?.value ?? "" }

    /// The rows at a group path.
    func rows(_ path: String) -> [[String: String]] { values.first { $0.path == path }?.rows.map(\.values) ?? [] }

    var paths: [String] { values.map(\.path) }
}
