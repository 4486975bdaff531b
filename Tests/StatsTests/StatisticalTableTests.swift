import CyberPortTestSupport
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// A year of survey submissions for two ports (a 甲種 port reporting monthly, a 乙種 port reporting yearly), with
/// resubmissions, a rejection and submissions still pending; every table of both ports, per month and per year, is
/// checked against totals computed independently from the submitted lines.
@Suite("Statistical tables", .timeLimit(.minutes(3)))
struct StatisticalTableTests {
    static let year: Int32 = 2025

    /// What one port's tables must be made of: the approved content per month (0 for a 乙種 port's year).
    struct Expectation {
        var counted: [Int32: [Cyberport_Stats_V1_SurveyContent]] = [:]
        var approvedSubmissions: [Int32: Int] = [:]

        mutating func count(_ content: Cyberport_Stats_V1_SurveyContent, month: Int32) {
            counted[month, default: []].append(content)
            approvedSubmissions[month, default: 0] += 1
        }

        func contents(month: Int32) -> [Cyberport_Stats_V1_SurveyContent] {
            month == 0 ? counted.keys.sorted().flatMap { counted[$0]! } : counted[month] ?? []
        }

        func submissions(month: Int32) -> Int {
            month == 0 ? approvedSubmissions.values.reduce(0, +) : approvedSubmissions[month] ?? 0
        }
    }

    @Test("a year of two ports: every table's rows, subtotals and totals match the approved submissions", arguments: TestBackend.available)
    func yearOfTwoPorts(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let tokyoAuthority = try await stats.portAuthority(["JPTYO"])
            let somaAuthority = try await stats.portAuthority(["JPSMA"])
            try await stats.createPort("JPTYO", .a, by: tokyoAuthority)
            try await stats.createPort("JPSMA", .b, by: somaAuthority)
            var respondents: [Member] = []
            for types in [["oceanShipping"], ["terminalOperator"], ["coastalFeeder", "shippingAgent"]] {
                respondents.append(try await stats.member(types))
            }
            var random = SeededGenerator(state: 0x5EED_2025)
            var tokyo = Expectation()
            var soma = Expectation()

            // 甲種: every respondent, every month; the exceptions are spelled out.
            for month in Int32(1)...12 {
                for (index, respondent) in respondents.enumerated() {
                    let first = SurveyFixtures.content(withVehicles: true, using: &random)
                    var submission = try await stats.submit("JPTYO", month: month, first, by: respondent)
                    switch (index, month) {
                    case (0, 3):
                        // Approved, then resubmitted: the approved revision still counts until the new one is approved.
                        submission = try await stats.approve(submission, by: tokyoAuthority)
                        tokyo.count(first, month: month)
                        let second = SurveyFixtures.content(withVehicles: true, using: &random)
                        let pending = try await stats.submit("JPTYO", month: month, second, by: respondent, etag: submission.etag)
                        #expect(pending.revision == 2 && pending.approvedRevision == 1 && pending.state == .submitted)
                    case (1, 5):
                        // Replaced before approval: only the second revision counts.
                        let second = SurveyFixtures.content(withVehicles: true, using: &random)
                        submission = try await stats.submit("JPTYO", month: month, second, by: respondent)
                        #expect(submission.revision == 2)
                        _ = try await stats.approve(submission, by: tokyoAuthority)
                        tokyo.count(second, month: month)
                    case (2, 7):
                        var reject = Cyberport_Stats_V1_RejectSurveySubmissionRequest()
                        reject.name = submission.name
                        reject.reason = "貨物量の桁誤り"
                        reject.etag = submission.etag
                        let rejected = try await stats.survey.rejectSurveySubmission(reject, options: tokyoAuthority.options)
                        #expect(rejected.state == .rejected && rejected.approvedRevision == 0)
                    case (2, 8):
                        break  // pending: not counted
                    default:
                        _ = try await stats.approve(submission, by: tokyoAuthority)
                        tokyo.count(first, month: month)
                    }
                }
            }
            // 乙種: one yearly submission per respondent; the third stays pending.
            for (index, respondent) in respondents.enumerated() {
                let content = SurveyFixtures.content(withVehicles: false, using: &random)
                let submission = try await stats.submit("JPSMA", month: 0, content, by: respondent)
                if index < 2 {
                    _ = try await stats.approve(submission, by: somaAuthority)
                    soma.count(content, month: 0)
                }
            }

            let commodities = try await stats.commodityNames(respondents[0])
            for month in Int32(0)...12 {
                for table in Int32(1)...5 {
                    try await stats.checkTable(
                        port: "JPTYO", table: table, month: month, expectation: tokyo, commodities: commodities,
                        authority: tokyoAuthority)
                }
            }
            for table in Int32(1)...3 {
                try await stats.checkTable(
                    port: "JPSMA", table: table, month: 0, expectation: soma, commodities: commodities, authority: somaAuthority)
            }

            // 乙種 ports have no tables 4–5 and no monthly tables.
            await expectRPCError(.failedPrecondition, reason: "NOT_REPORTED_BY_CLASS_B") {
                try await stats.table("JPSMA", table: 5, month: 0, by: somaAuthority)
            }
            await expectRPCError(.failedPrecondition, reason: "WRONG_SURVEY_PERIOD") {
                try await stats.table("JPSMA", table: 1, month: 3, by: somaAuthority)
            }
            // Only a port's authority reads its tables.
            await expectRPCError(.permissionDenied) { try await stats.table("JPSMA", table: 1, month: 0, by: tokyoAuthority) }
            await expectRPCError(.permissionDenied) { try await stats.table("JPTYO", table: 3, month: 0, by: respondents[0]) }
            await expectRPCError(.invalidArgument, field: "table_number") {
                try await stats.table("JPTYO", table: 6, month: 0, by: tokyoAuthority)
            }

            // The streamed table and the CSV export hold the same rows and totals as the unary answer.
            let unary = try await stats.table("JPTYO", table: 3, month: 0, by: tokyoAuthority)
            let streamed = try await stats.streamedTable("JPTYO", table: 3, month: 0, by: tokyoAuthority)
            #expect(streamed == unary)
            let csv = try await stats.csv("JPTYO", table: 3, month: 0, by: tokyoAuthority)
            let lines = csv.components(separatedBy: "\r\n").dropLast()
            #expect(lines.count == 1 + unary.rows.count + unary.subtotals.count + 1)
            #expect(lines.first == "row,major_class,commodity_code,commodity_name,cargo_form,direction,partner_port,freight_tons_milli")
            #expect(lines.last == "total,,,,,,,\(unary.total?.measures.first ?? -1)")
            let csvSum = lines.dropFirst().prefix(unary.rows.count).map { Int64($0.split(separator: ",").last!)! }.reduce(0, +)
            #expect(csvSum == unary.total?.measures.first)
        }
    }
}

extension StatsHarness {
    func submit(
        _ port: String, month: Int32, _ content: Cyberport_Stats_V1_SurveyContent, by member: Member, etag: String = "",
        year: Int32 = StatisticalTableTests.year
    ) async throws -> Cyberport_Stats_V1_SurveySubmission {
        var request = Cyberport_Stats_V1_SubmitSurveyRequest()
        request.parent = "ports/\(port)"
        request.year = year
        request.month = month
        request.content = content
        request.etag = etag
        return try await survey.submitSurvey(request, options: member.options)
    }

    func approve(_ submission: Cyberport_Stats_V1_SurveySubmission, by authority: Member) async throws -> Cyberport_Stats_V1_SurveySubmission {
        var request = Cyberport_Stats_V1_ApproveSurveySubmissionRequest()
        request.name = submission.name
        request.etag = submission.etag
        let approved = try await survey.approveSurveySubmission(request, options: authority.options)
        #expect(approved.state == .approved && approved.approvedRevision == submission.revision)
        return approved
    }

    func tableRequest(_ port: String, table: Int32, month: Int32) -> Cyberport_Stats_V1_GetStatisticalTableRequest {
        var request = Cyberport_Stats_V1_GetStatisticalTableRequest()
        request.port = "ports/\(port)"
        request.tableNumber = table
        request.year = StatisticalTableTests.year
        request.month = month
        return request
    }

    func table(_ port: String, table: Int32, month: Int32, by member: Member) async throws -> Cyberport_Stats_V1_StatisticalTable {
        try await tables.getStatisticalTable(tableRequest(port, table: table, month: month), options: member.options)
    }

    /// The streamed table reassembled.
    func streamedTable(_ port: String, table: Int32, month: Int32, by member: Member) async throws -> Cyberport_Stats_V1_StatisticalTable {
        try await tables.streamStatisticalTable(tableRequest(port, table: table, month: month), options: member.options) { stream in
            var result: Cyberport_Stats_V1_StatisticalTable?
            for try await chunk in stream {
                if let header = chunk.header { result = header }
                result?.rows += chunk.rows
                result?.subtotals += chunk.subtotals
                if let total = chunk.total { result?.total = total }
            }
            return try #require(result)
        }
    }

    func csv(_ port: String, table: Int32, month: Int32, by member: Member) async throws -> String {
        try await tables.exportStatisticalTableCsv(tableRequest(port, table: table, month: month), options: member.options) { stream in
            var bytes: [UInt8] = []
            for try await chunk in stream { bytes += chunk.data }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Code → (major class, Japanese name), from ListCommodityClasses.
    func commodityNames(_ member: Member) async throws -> [String: (Int32, String)] {
        var result: [String: (Int32, String)] = [:]
        var token = ""
        repeat {
            var request = Cyberport_Stats_V1_ListCommodityClassesRequest()
            request.pageSize = 100
            request.pageToken = token
            let page = try await survey.listCommodityClasses(request, options: member.options)
            for entry in page.commodityClasses { result[entry.code] = (entry.majorClass, entry.displayNameJa) }
            token = page.nextPageToken
        } while !token.isEmpty
        return result
    }

    /// Checks one table: rows as expected, total = sum of rows = sum of the lines, each subtotal = sum of its group.
    func checkTable(
        port: String, table number: Int32, month: Int32, expectation: StatisticalTableTests.Expectation,
        commodities: [String: (Int32, String)], authority: Member, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let table = try await table(port, table: number, month: month, by: authority)
        let label = "\(port) table \(number) month \(month)"
        let contents = expectation.contents(month: month)
        let expected = ExpectedSurvey.rows(table: Int(number), contents: contents, commodities: commodities)
        var actual: ExpectedSurvey.Rows = [:]
        for row in table.rows {
            #expect(actual[row.dimensions] == nil, "\(label): row \(row.dimensions) twice", sourceLocation: sourceLocation)
            actual[row.dimensions] = row.measures
        }
        let differing = Set(actual.keys).union(expected.keys).filter { actual[$0] != expected[$0] }
            .map { "\($0): got \(actual[$0].map { "\($0)" } ?? "none"), expected \(expected[$0].map { "\($0)" } ?? "none")" }.sorted()
        #expect(differing.isEmpty, "\(label): \(differing.count) rows differ, e.g. \(differing.prefix(3))", sourceLocation: sourceLocation)
        let lineTotal = ExpectedSurvey.total(table: Int(number), contents: contents)
        let rowTotal = (0..<lineTotal.count).map { index in table.rows.reduce(Int64(0)) { $0 + $1.measures[index] } }
        #expect(table.total?.measures == lineTotal, "\(label): total is not the sum of the lines", sourceLocation: sourceLocation)
        #expect(rowTotal == lineTotal, "\(label): rows do not add up to the lines", sourceLocation: sourceLocation)
        #expect(table.submissionCount == Int32(expectation.submissions(month: month)), "\(label)", sourceLocation: sourceLocation)
        // Every subtotal is the sum of the rows whose dimension has its value, and each group adds up to the total.
        let dimensionKeys = table.columns.filter { $0.role == .dimension }.map(\.key)
        var groupSums: [String: [Int64]] = [:]
        for subtotal in table.subtotals {
            let parts = subtotal.label.split(separator: "=", maxSplits: 1).map(String.init)
            let index = try #require(dimensionKeys.firstIndex(of: parts[0]), "\(label): subtotal \(subtotal.label)")
            let value = parts.count > 1 ? parts[1] : ""
            let sum = (0..<lineTotal.count).map { measure in
                expected.filter { $0.key[index] == value }.reduce(Int64(0)) { $0 + $1.value[measure] }
            }
            #expect(subtotal.measures == sum, "\(label): subtotal \(subtotal.label)", sourceLocation: sourceLocation)
            let running = groupSums[parts[0]] ?? Array(repeating: 0, count: lineTotal.count)
            groupSums[parts[0]] = zip(running, subtotal.measures).map { $0 + $1 }
        }
        for (key, sums) in groupSums {
            #expect(sums == lineTotal, "\(label): subtotals by \(key) do not add up to the total", sourceLocation: sourceLocation)
        }
        let expectedGroups = [1: 2, 2: 0, 3: 3, 4: 1, 5: 2][Int(number)]!
        #expect(table.rows.isEmpty || groupSums.count == expectedGroups, "\(label): subtotal groups", sourceLocation: sourceLocation)
    }
}
