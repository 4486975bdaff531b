import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// PortCallService: arrival and departure reports, filed by ship agents and carriers, read by the port authority.
struct PortCallAPI: Cyberport_Stats_V1_PortCallServiceProvider {
    let context: StatsContext

    func submitPortCallReport(
        request: Cyberport_Stats_V1_SubmitPortCallReportRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_PortCallReport {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        guard caller.filesPortCalls else {
            throw StatsCaller.denied(
                "arrival and departure reports are filed by ship agents and carriers (business types shippingAgent, oceanShipping, coastalFeeder)")
        }
        let input = request.report ?? Cyberport_Stats_V1_PortCallReport()
        var report = Cyberport_Stats_V1_PortCallReport()
        report.kind = try Input.known(input.kind, field: "report.kind")
        PortCallInput.copy(Set(PortCallInput.amendable), from: input, to: &report)
        try PortCallInput.validate(&report, prefix: "report.")
        report.state = .submitted
        report.revision = 1
        report.filer = caller.organization
        let now = WallClock.nowMicros()
        let record = PortCallRecord(
            id: ResourceID.generate(now: now), port: port, report: report, filerOrganizationID: caller.organizationID,
            version: 1, createdAt: now, updatedAt: now)
        try await context.write { session in
            guard try PortQueries(session: session).find(port) != nil else {
                throw APIError.notFound("port", name: request.parent)
            }
            try PortCallQueries(session: session).insert(record)
        }
        context.logger.info(
            "port call report filed",
            metadata: ["report": "\(record.proto.name)", "kind": "\(report.kind)", "filer": "\(caller.organization)"])
        return record.proto
    }

    func getPortCallReport(
        request: Cyberport_Stats_V1_GetPortCallReportRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_PortCallReport {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.name, field: "name", collection: "portCallReports")
        let record = try await context.read { session in try PortCallQueries(session: session).find(port: port, id: id) }
        return try Self.visible(record, to: caller, port: port, name: request.name).proto
    }

    func listPortCallReports(
        request: Cyberport_Stats_V1_ListPortCallReportsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListPortCallReportsResponse {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        var filter = PortCallFilter(port: port)
        if !caller.manages(port) {
            guard caller.filesPortCalls else {
                throw StatsCaller.denied("only the port authority of \(port) and the ship agents and carriers that filed reports may list them")
            }
            filter.filerOrganizationID = caller.organizationID
        }
        filter.start = request.startTime?.micros
        filter.end = request.endTime?.micros
        if let start = filter.start, let end = filter.end, end <= start {
            throw APIError.invalidArgument(field: "end_time", "must be after start_time")
        }
        if request.kind != .unspecified { filter.kind = try Input.known(request.kind, field: "kind") }
        filter.showCancelled = request.showCancelled
        let query = [
            port, "\(filter.start ?? -1)", "\(filter.end ?? -1)", "\(request.kind.rawValue)", "\(request.showCancelled)",
            filter.filerOrganizationID ?? "*",
        ].joined(separator: "|")
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: query)
        let finalFilter = filter
        let rows = try await context.read { session in
            try PortCallQueries(session: session).list(finalFilter, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.sortKey)
        var response = Cyberport_Stats_V1_ListPortCallReportsResponse()
        response.reports = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func amendPortCallReport(
        request: Cyberport_Stats_V1_AmendPortCallReportRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_PortCallReport {
        let caller = try context.caller(serverContext)
        let input = request.report ?? Cyberport_Stats_V1_PortCallReport()
        let (port, id) = try StatsName.child(input.name, field: "report.name", collection: "portCallReports")
        let mask = try UpdateMask(request.updateMask, updatable: PortCallInput.amendable)
        guard !input.etag.isEmpty else {
            throw APIError.invalidArgument(field: "report.etag", "the etag of the report as read is required", reason: "REQUIRED_FIELD")
        }
        let now = WallClock.nowMicros()
        let amended = try await context.write { session in
            let queries = PortCallQueries(session: session)
            var record = try Self.ownRecord(try queries.find(port: port, id: id), caller: caller, name: input.name)
            try ETag.check(input.etag, current: record.version, resource: input.name)
            guard record.state != .cancelled else {
                throw APIError.make(.failedPrecondition, "\(input.name) is cancelled and cannot be amended", reason: "CANCELLED")
            }
            PortCallInput.copy(mask.paths, from: input, to: &record.report)
            try PortCallInput.validate(&record.report, prefix: "report.")
            record.report.state = .amended
            record.report.revision += 1
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record
        }
        return amended.proto
    }

    func cancelPortCallReport(
        request: Cyberport_Stats_V1_CancelPortCallReportRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_PortCallReport {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.name, field: "name", collection: "portCallReports")
        let reason = try Input.required(request.reason, field: "reason", max: 500)
        guard !request.etag.isEmpty else {
            throw APIError.invalidArgument(field: "etag", "the etag of the report as read is required", reason: "REQUIRED_FIELD")
        }
        let now = WallClock.nowMicros()
        let cancelled = try await context.write { session in
            let queries = PortCallQueries(session: session)
            var record = try Self.ownRecord(try queries.find(port: port, id: id), caller: caller, name: request.name)
            try ETag.check(request.etag, current: record.version, resource: request.name)
            guard record.state != .cancelled else {
                throw APIError.make(.failedPrecondition, "\(request.name) is already cancelled", reason: "CANCELLED")
            }
            record.report.state = .cancelled
            record.report.cancelReason = reason
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record
        }
        return cancelled.proto
    }

    /// The record when the caller may read it (its filer or the port authority); PERMISSION_DENIED otherwise,
    /// whether or not it exists.
    static func visible(_ record: PortCallRecord?, to caller: StatsCaller, port: String, name: String) throws -> PortCallRecord {
        if caller.manages(port) {
            guard let record else { throw APIError.notFound("port call report", name: name) }
            return record
        }
        guard let record, record.filerOrganizationID == caller.organizationID else {
            throw StatsCaller.denied("only the filer and the port authority of \(port) may read \(name)")
        }
        return record
    }

    /// The record when the caller's organization filed it; PERMISSION_DENIED otherwise (the port authority reads
    /// reports but does not change them).
    static func ownRecord(_ record: PortCallRecord?, caller: StatsCaller, name: String) throws -> PortCallRecord {
        guard let record, record.filerOrganizationID == caller.organizationID else {
            throw StatsCaller.denied("only the organization that filed \(name) may change it")
        }
        return record
    }
}
