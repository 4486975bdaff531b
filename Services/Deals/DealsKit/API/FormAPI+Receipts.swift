import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

extension FormAPI {
    // MARK: Read receipts

    /// A recipient (a participant other than the sender organization with at least Read) marks a sent form read. The
    /// first read stays; only it is recorded in the timeline. Drafts: FAILED_PRECONDITION; others: PERMISSION_DENIED.
    func markFormRead(
        request: Cyberport_Deals_V1_MarkFormReadRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ReadReceipt {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.name, field: "name", catalog: context.catalog)
        let catalog = context.catalog
        let now = WallClock.nowMicros()
        let (receipt, created) = try await context.write { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            guard form.record.isSent else {
                throw APIError.make(
                    .failedPrecondition, "\(name) is a draft: only sent forms are marked read", reason: "NOT_SENT",
                    metadata: ["resourceName": name.description])
            }
            guard form.record.senderOrganizationID != caller.organizationID, FormAccess.atLeastRead(form.permission) else {
                throw DealCaller.denied("\(caller.organization) is not a recipient of \(name)")
            }
            let queries = FormQueries(session: session)
            if let existing = try queries.receipt(deal: name.deal.dealNumber, formID: form.record.formID, organizationID: caller.organizationID) {
                return (existing, false)
            }
            let receipt = ReadReceiptRecord(
                formID: form.record.formID, organizationID: caller.organizationID, organization: caller.organization,
                reader: caller.principal.subject, readAt: now)
            try queries.insert(receipt, deal: name.deal.dealNumber)
            try TimelineQueries.append(
                session,
                TimelineRecord(deal: name.deal.dealNumber, kind: .formRead, caller: caller, formID: form.record.formID, formCode: form.record.formCode),
                now: now)
            return (receipt, true)
        }
        if created { context.committed(deal: name.deal.dealNumber) }
        return Self.proto(receipt, form: name)
    }

    /// The sender organization lists the reads, by read time, and the recipients that have not read it yet.
    func listReadReceipts(
        request: Cyberport_Deals_V1_ListReadReceiptsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListReadReceiptsResponse {
        let caller = try context.caller(serverContext)
        let name = try FormName(parsing: request.parent, field: "parent", catalog: context.catalog)
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: name.description)
        let catalog = context.catalog
        let pagination = context.pagination
        return try await context.read { session in
            let form = try FormChecks.visible(session, name: name, caller: caller, catalog: catalog)
            guard form.record.isSent else {
                throw APIError.make(
                    .failedPrecondition, "\(name) is a draft: it has no read receipts", reason: "NOT_SENT",
                    metadata: ["resourceName": name.description])
            }
            guard form.record.senderOrganizationID == caller.organizationID else {
                throw DealCaller.denied("only the organization that sent \(name) may list its read receipts")
            }
            let receipts = try FormQueries(session: session).receipts(deal: name.deal.dealNumber, formID: form.record.formID)
            let participants = try FormChecks.participants(session, deal: name.deal.dealNumber)
            let shown = Set(participants.filter { FormAccess.shows($0, to: form.me) }.map(\.organizationID))
            let visible = receipts.filter { shown.contains($0.organizationID) }
            let after = visible.filter { cursor.after == nil || Self.key($0) > cursor.after ?? "" }
            let page = pagination.page(Array(after.prefix(cursor.pageSize + 1)), cursor: cursor, key: Self.key)
            let read = Set(receipts.map(\.organizationID))
            var response = Cyberport_Deals_V1_ListReadReceiptsResponse()
            response.readReceipts = page.rows.map { Self.proto($0, form: name) }
            response.nextPageToken = page.nextPageToken
            response.unreadOrganizations = FormAccess.recipients(
                of: form.record.formCode, sender: form.record.senderOrganizationID, participants: participants,
                catalog: catalog
            ).filter { !read.contains($0.organizationID) && FormAccess.shows($0, to: form.me) }.map(\.organization)
            return response
        }
    }

    /// The keyset key of a receipt: read time (zero-padded) then organization id.
    static func key(_ receipt: ReadReceiptRecord) -> String {
        let time = String(receipt.readAt)
        return String(repeating: "0", count: max(0, 20 - time.count)) + time + "/" + receipt.organizationID
    }

    static func proto(_ receipt: ReadReceiptRecord, form: FormName) -> Cyberport_Deals_V1_ReadReceipt {
        var message = Cyberport_Deals_V1_ReadReceipt()
        message.name = "\(form)/readReceipts/\(receipt.organizationID)"
        message.organization = receipt.organization
        message.reader = receipt.reader
        message.readTime = Google_Protobuf_Timestamp(micros: receipt.readAt)
        return message
    }

    // MARK: Root document

    /// The non-empty values of the root paths bound by the forms the caller may read (at least Read on the code) among
    /// the forms of the deal's direction; rows keep only the items those forms carry.
    func getRootDocument(
        request: Cyberport_Deals_V1_GetRootDocumentRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_RootDocument {
        let caller = try context.caller(serverContext)
        let name = try RootDocumentName(parsing: request.name, field: "name")
        let catalog = context.catalog
        return try await context.read { session in
            let (deal, me) = try DealAPI.participation(DealQueries(session: session), deal: name.deal, caller: caller)
            let root = try FormQueries(session: session).root(deal: name.deal.dealNumber)
            var scalars: Set<String> = []
            var items: [String: Set<String>] = [:]
            let export = deal.direction == "EXP"
            for schema in catalog.forms where (export ? schema.usedInExport : schema.usedInImport)
                && FormAccess.atLeastRead(FormAccess.permission(me, code: schema.code, catalog: catalog))
            {
                for (path, item) in FormBinding(schema: schema, unitKey: "").sharedItems {
                    if let item { items[path, default: []].insert(item) } else { scalars.insert(path) }
                }
            }
            // Numbers NACCS issued are deal-level facts every participant may read.
            for item in catalog.root.items where NaccsInformationPaths.contains(item.path) { scalars.insert(item.path) }
            var values: [Cyberport_Deals_V1_RootValue] = []
            for path in scalars {
                guard let value = root.document.values[path], !value.isEmpty else { continue }
                var entry = Cyberport_Deals_V1_RootValue()
                entry.path = path
                entry.value = value
                values.append(entry)
            }
            for (path, readable) in items {
                let rows = root.document.rows(path).map { $0.filter { readable.contains($0.key) && !$0.value.isEmpty } }
                guard rows.contains(where: { !$0.isEmpty }) else { continue }
                var entry = Cyberport_Deals_V1_RootValue()
                entry.path = path
                entry.rows = rows.map { values in
                    var row = Cyberport_Deals_V1_FormRow()
                    row.values = values
                    return row
                }
                values.append(entry)
            }
            var document = Cyberport_Deals_V1_RootDocument()
            document.name = name.description
            document.values = values.sorted { $0.path < $1.path }
            document.updateTime = root.updatedAt.protoTimestamp
            return document
        }
    }
}
