import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit

/// PortSurveyService: the port statistics survey. Respondents submit (and resubmit) per port and period; the port
/// authority approves or rejects the current revision.
struct PortSurveyAPI: Cyberport_Stats_V1_PortSurveyServiceProvider {
    let context: StatsContext

    func submitSurvey(
        request: Cyberport_Stats_V1_SubmitSurveyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        let year = Int(try Input.integer(request.year, field: "year", in: 2000...2100))
        let month = Int(try Input.integer(request.month, field: "month", in: 0...12))
        let note = try Input.optional(request.note, field: "note", max: 2000)
        let lines = try SurveyInput.validate(
            request.content ?? Cyberport_Stats_V1_SurveyContent(), catalog: context.catalog.commodities)
        let now = WallClock.nowMicros()
        let submittedBy = caller.principal.subject
        let etag = request.etag
        let submission = try await context.write { session in
            guard let portRecord = try PortQueries(session: session).find(port) else {
                throw APIError.notFound("port", name: request.parent)
            }
            try Self.checkPeriod(month: month, lines: lines, port: portRecord)
            let queries = SurveyQueries(session: session)
            var record: SubmissionRecord
            if var existing = try queries.find(
                port: port, year: year, month: month, respondentOrganizationID: caller.organizationID)
            {
                try ETag.check(etag, current: existing.version, resource: existing.name)
                existing.revision += 1
                existing.state = .submitted
                existing.note = note
                existing.rejectionReason = ""
                existing.version += 1
                existing.submittedAt = now
                existing.decidedAt = nil
                try queries.update(existing)
                record = existing
            } else {
                record = SubmissionRecord(
                    id: ResourceID.generate(now: now), port: port, year: year, month: month,
                    respondentOrganizationID: caller.organizationID, respondent: caller.organization, state: .submitted,
                    revision: 1, approvedRevision: 0, note: note, version: 1, createdAt: now, submittedAt: now)
                try queries.insert(record)
            }
            try queries.insertRevision(
                submissionID: record.id,
                RevisionRecord(revision: record.revision, note: note, submittedBy: submittedBy, submittedAt: now),
                lines: lines)
            return record
        }
        context.logger.info(
            "survey submitted",
            metadata: [
                "submission": "\(submission.name)", "revision": "\(submission.revision)", "lines": "\(lines.count)",
                "respondent": "\(caller.organization)",
            ])
        return submission.proto(lines: lines)
    }

    /// 甲種 ports report monthly (month 1–12) and all tables; 乙種 ports yearly (month 0) and tables 1–3 only.
    static func checkPeriod(month: Int, lines: SurveyLines, port: PortRecord) throws {
        switch port.surveyClass {
        case .a where month == 0:
            throw APIError.make(
                .failedPrecondition, "ports/\(port.port.locode) is a 甲種 port: it reports monthly (month 1–12)",
                reason: "WRONG_SURVEY_PERIOD", metadata: ["field": "month"])
        case .b where month != 0:
            throw APIError.make(
                .failedPrecondition, "ports/\(port.port.locode) is a 乙種 port: it reports yearly (month 0)",
                reason: "WRONG_SURVEY_PERIOD", metadata: ["field": "month"])
        case .b where !lines.vehicles.isEmpty:
            throw APIError.make(
                .failedPrecondition, "乙種 ports report tables 1–3 only: no vehicles (table 4)",
                reason: "NOT_REPORTED_BY_CLASS_B", metadata: ["field": "content.vehicles"])
        default: break
        }
    }

    func getSurveySubmission(
        request: Cyberport_Stats_V1_GetSurveySubmissionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.name, field: "name", collection: "surveySubmissions")
        return try await context.read { session in
            let queries = SurveyQueries(session: session)
            let record = try Self.visible(try queries.find(port: port, id: id), to: caller, port: port, name: request.name)
            return record.proto(lines: try queries.lines(submissionID: record.id, revision: record.revision))
        }
    }

    func listSurveySubmissions(
        request: Cyberport_Stats_V1_ListSurveySubmissionsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListSurveySubmissionsResponse {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        var filter = SubmissionFilter(port: port)
        if !caller.manages(port) { filter.respondentOrganizationID = caller.organizationID }
        if request.year != 0 { filter.year = Int(try Input.integer(request.year, field: "year", in: 2000...2100)) }
        if request.month != 0 { filter.month = Int(try Input.integer(request.month, field: "month", in: 1...12)) }
        if request.state != .unspecified { filter.state = try Input.known(request.state, field: "state") }
        let query = [port, "\(request.year)", "\(request.month)", "\(request.state.rawValue)", filter.respondentOrganizationID ?? "*"]
            .joined(separator: "|")
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: query)
        let finalFilter = filter
        let withContent = !request.withoutContent
        let rows = try await context.read { session in
            let queries = SurveyQueries(session: session)
            return try queries.list(finalFilter, after: cursor.after, limit: cursor.pageSize + 1).prefix(cursor.pageSize + 1)
                .map { record in
                    (record, withContent ? try queries.lines(submissionID: record.id, revision: record.revision) : nil)
                }
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.0.id)
        var response = Cyberport_Stats_V1_ListSurveySubmissionsResponse()
        response.submissions = page.rows.map { $0.0.proto(lines: $0.1) }
        response.nextPageToken = page.nextPageToken
        return response
    }

    func listSurveyRevisions(
        request: Cyberport_Stats_V1_ListSurveyRevisionsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListSurveyRevisionsResponse {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.parent, field: "parent", collection: "surveySubmissions")
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: request.parent)
        let after = try cursor.after.map { text -> Int in
            guard let value = Int(text) else {
                throw APIError.invalidArgument(field: "page_token", "is not a token this service issued")
            }
            return value
        } ?? 0
        let rows = try await context.read { session in
            let queries = SurveyQueries(session: session)
            let record = try Self.visible(try queries.find(port: port, id: id), to: caller, port: port, name: request.parent)
            return try queries.revisions(submissionID: id, after: after, limit: cursor.pageSize + 1).map { revision in
                (revision, try queries.lines(submissionID: id, revision: revision.revision), record.approvedRevision)
            }
        }
        let page = context.pagination.page(rows, cursor: cursor, key: { String($0.0.revision) })
        var response = Cyberport_Stats_V1_ListSurveyRevisionsResponse()
        response.revisions = page.rows.map { revision, lines, approved in
            var proto = Cyberport_Stats_V1_SurveyRevision()
            proto.name = "\(request.parent)/revisions/\(revision.revision)"
            proto.revision = Int32(revision.revision)
            proto.content = lines.proto
            proto.note = revision.note
            proto.submittedBy = revision.submittedBy
            proto.submitTime = Google_Protobuf_Timestamp(micros: revision.submittedAt)
            proto.approved = revision.revision == approved
            return proto
        }
        response.nextPageToken = page.nextPageToken
        return response
    }

    func approveSurveySubmission(
        request: Cyberport_Stats_V1_ApproveSurveySubmissionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        try await decide(name: request.name, etag: request.etag, serverContext: serverContext, what: "approve") { record, now in
            switch record.state {
            case .approved:
                throw APIError.make(.failedPrecondition, "\(record.name) revision \(record.revision) is already approved", reason: "ALREADY_DECIDED")
            case .rejected:
                throw APIError.make(
                    .failedPrecondition, "\(record.name) revision \(record.revision) was rejected; the respondent resubmits",
                    reason: "ALREADY_DECIDED")
            default: break
            }
            record.state = .approved
            record.approvedRevision = record.revision
            record.rejectionReason = ""
            record.decidedAt = now
        }
    }

    func rejectSurveySubmission(
        request: Cyberport_Stats_V1_RejectSurveySubmissionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        let reason = try Input.required(request.reason, field: "reason", max: 2000)
        return try await decide(name: request.name, etag: request.etag, serverContext: serverContext, what: "reject") { record, now in
            guard record.state == .submitted else {
                throw APIError.make(
                    .failedPrecondition, "\(record.name) revision \(record.revision) is already \(record.state == .approved ? "approved" : "rejected")",
                    reason: "ALREADY_DECIDED")
            }
            record.state = .rejected
            record.rejectionReason = reason
            record.decidedAt = now
        }
    }

    /// Approval and rejection: the port authority, with the etag as read.
    private func decide(
        name: String, etag: String, serverContext: ServerContext, what: String,
        _ change: @escaping @Sendable (inout SubmissionRecord, Int64) throws -> Void
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(name, field: "name", collection: "surveySubmissions")
        try caller.requireAuthority(port, "\(what) survey submissions")
        guard !etag.isEmpty else {
            throw APIError.invalidArgument(field: "etag", "the etag of the submission as read is required", reason: "REQUIRED_FIELD")
        }
        let now = WallClock.nowMicros()
        let decided = try await context.write { session in
            let queries = SurveyQueries(session: session)
            guard var record = try queries.find(port: port, id: id) else {
                throw APIError.notFound("survey submission", name: name)
            }
            try ETag.check(etag, current: record.version, resource: name)
            try change(&record, now)
            record.version += 1
            try queries.update(record)
            return (record, try queries.lines(submissionID: record.id, revision: record.revision))
        }
        context.logger.info(
            "survey \(what)d", metadata: ["submission": "\(name)", "revision": "\(decided.0.revision)", "by": "\(caller.organization)"])
        return decided.0.proto(lines: decided.1)
    }

    func listCommodityClasses(
        request: Cyberport_Stats_V1_ListCommodityClassesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListCommodityClassesResponse {
        _ = try context.caller(serverContext)
        let classification = context.catalog.commodities
        if request.majorClass != 0 { _ = try Input.integer(request.majorClass, field: "major_class", in: 1...9) }
        let entries = classification.classes.filter { request.majorClass == 0 || $0.major == Int(request.majorClass) }
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "commodities|\(request.majorClass)")
        let rows = Array(entries.filter { $0.code > (cursor.after ?? "") }.prefix(cursor.pageSize + 1))
        let page = context.pagination.page(rows, cursor: cursor, key: \.code)
        var response = Cyberport_Stats_V1_ListCommodityClassesResponse()
        response.commodityClasses = page.rows.map { entry in
            var proto = Cyberport_Stats_V1_CommodityClass()
            proto.name = "commodityClasses/\(entry.code)"
            proto.code = entry.code
            proto.displayNameJa = entry.nameJa
            proto.displayNameEn = entry.nameEn
            proto.majorClass = Int32(entry.major)
            let major = classification.major(entry.major)
            proto.majorClassNameJa = major?.nameJa ?? ""
            proto.majorClassNameEn = major?.nameEn ?? ""
            return proto
        }
        response.nextPageToken = page.nextPageToken
        response.totalSize = Int32(entries.count)
        response.classificationVersion = classification.version
        return response
    }

    /// The record when the caller may read it (its respondent or the port authority); PERMISSION_DENIED otherwise,
    /// whether or not it exists.
    static func visible(_ record: SubmissionRecord?, to caller: StatsCaller, port: String, name: String) throws -> SubmissionRecord {
        if caller.manages(port) {
            guard let record else { throw APIError.notFound("survey submission", name: name) }
            return record
        }
        guard let record, record.respondentOrganizationID == caller.organizationID else {
            throw StatsCaller.denied("only the respondent and the port authority of \(port) may read \(name)")
        }
        return record
    }
}
