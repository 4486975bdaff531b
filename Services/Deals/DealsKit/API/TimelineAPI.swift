import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// The TimelineService: every change of a deal, listed or watched live, filtered by what the caller may see.
struct TimelineAPI: Cyberport_Deals_V1_TimelineServiceProvider {
    let context: DealsContext
    /// How often a watch re-reads the timeline without a wake-up (changes committed by other instances).
    var watchPollInterval: Duration = .seconds(2)
    /// Entries read per query while filtering.
    static let batchSize = 200

    private let pagination = KeysetPagination(defaultPageSize: 50, maxPageSize: 200)

    func listTimelineEntries(
        request: Cyberport_Deals_V1_ListTimelineEntriesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListTimelineEntriesResponse {
        let caller = try context.caller(serverContext)
        let deal = try DealName(parsing: request.parent, field: "parent")
        let formID = try request.form.isEmpty ? nil : Self.formID(request.form, deal: deal, field: "form", catalog: context.catalog)
        let cursor = try pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(deal)|\(request.form)")
        var start: Int64 = 0
        if let token = cursor.after {
            guard let seq = Int64(token) else { throw APIError.invalidArgument(field: "page_token", "malformed page token") }
            start = seq
        }
        let after = start
        let catalog = context.catalog
        let wanted = cursor.pageSize + 1
        let visible = try await context.read { session in
            let (_, me) = try DealAPI.participation(DealQueries(session: session), deal: deal, caller: caller)
            return try Self.visibleEntries(
                session, deal: deal, formID: formID, after: after, wanted: wanted,
                visibility: TimelineVisibility(viewer: me, catalog: catalog))
        }
        let page = pagination.page(visible, cursor: cursor, key: { String($0.record.seq) })
        var response = Cyberport_Deals_V1_ListTimelineEntriesResponse()
        response.timelineEntries = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func watchDeal(
        request: Cyberport_Deals_V1_WatchDealRequest, responses: ServerResponseWriter<Cyberport_Deals_V1_TimelineEntry>,
        context serverContext: ServerContext
    ) async throws {
        let caller = try context.caller(serverContext)
        let deal = try DealName(parsing: request.deal, field: "deal")
        let resumeAfter = try request.startAfter.isEmpty
            ? nil : Self.entrySeq(request.startAfter, deal: deal, field: "start_after")
        // Subscribe before reading the starting point, so nothing committed in between is missed.
        let signal = context.changes.watch(deal.dealNumber)
        defer { context.changes.stop(signal) }
        var after = try await context.read { session in
            _ = try DealAPI.participation(DealQueries(session: session), deal: deal, caller: caller)
            return try resumeAfter ?? TimelineQueries.lastSeq(session, deal: deal.dealNumber)
        }
        context.logger.debug("watching deal", metadata: ["deal": "\(deal)", "organization": "\(caller.organization)"])
        let catalog = context.catalog
        while !Task.isCancelled {
            let from = after
            // Re-checks participation on every round: a removed organization's stream ends with PERMISSION_DENIED.
            let (entries, last) = try await context.read { session in
                let (_, me) = try DealAPI.participation(DealQueries(session: session), deal: deal, caller: caller)
                let raw = try TimelineQueries.entries(
                    session, deal: deal.dealNumber, formID: nil, afterSeq: from, limit: Self.batchSize)
                let visibility = TimelineVisibility(viewer: me, catalog: catalog)
                return (raw.filter(visibility.canSee), raw.last?.record.seq)
            }
            for entry in entries { try await responses.write(entry.proto) }
            if let last {
                after = last
                continue  // there may be more right away
            }
            // A wake-up, or the poll interval (changes made by other instances); false: the server is draining.
            guard await signal.wait(timeout: watchPollInterval) else { return }
        }
    }

    /// Reads forward from `after`, keeping the entries `visibility` allows, until `wanted` are found or the end.
    static func visibleEntries(
        _ session: any SQLSession, deal: DealName, formID: String?, after: Int64, wanted: Int,
        visibility: TimelineVisibility
    ) throws -> [StoredTimelineEntry] {
        var found: [StoredTimelineEntry] = []
        var position = after
        while found.count < wanted {
            let batch = try TimelineQueries.entries(
                session, deal: deal.dealNumber, formID: formID, afterSeq: position, limit: batchSize)
            for entry in batch where visibility.canSee(entry) {
                found.append(entry)
                if found.count == wanted { break }
            }
            guard batch.count == batchSize, let last = batch.last else { break }
            position = last.record.seq
        }
        return found
    }

    /// The form id of "deals/{deal_number}/forms/{form_id}" (parsed as every form name is) within `deal`.
    static func formID(_ name: String, deal: DealName, field: String, catalog: FormCatalog) throws -> String {
        let form = try FormName(parsing: name, field: field, catalog: catalog)
        guard form.deal == deal else {
            throw APIError.invalidArgument(field: field, "\(name) is not a form of \(deal)")
        }
        return form.id.description
    }

    /// The number of "deals/{deal_number}/timelineEntries/{n}" within `deal`.
    static func entrySeq(_ name: String, deal: DealName, field: String) throws -> Int64 {
        let prefix = "\(deal)/timelineEntries/"
        guard name.hasPrefix(prefix), let seq = Int64(name.dropFirst(prefix.count)), seq >= 0 else {
            throw APIError.invalidArgument(field: field, "expected \"\(prefix){n}\" (a timeline entry of this deal)")
        }
        return seq
    }
}

