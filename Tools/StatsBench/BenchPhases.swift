import Foundation
import PortAPI
import PortProtocol
import PortRPC
import PortStore

/// What one backend measured.
struct BackendResult: Sendable {
    var backend: String
    var submissions: Int
    var cargoLines: Int
    var loadSeconds: Double
    /// Rows of the annual tables 1–5.
    var annualRows: [Int]
    var annualTotalFreightTonsMilli: Int64
    /// Seconds per round.
    var annual: [Double]
    var year: [Double]
    var csv: [Double]
    var csvBytes: Int
    var reference: [Double]
    var referenceLines: Int64
    var referenceFreightTonsMilli: Int64
}

/// Loads the data through the API, then times the table builds and the reference.
struct BenchPhases {
    let fixture: StatsBenchFixture
    let lines: Int
    let respondents: Int
    let rounds: Int

    func run(backend: String) async throws -> BackendResult {
        let authority = fixture.options(organization: 0, businessTypes: [], ports: [StatsBenchFixture.port])
        let ports = Cyberport_Stats_V1_PortServiceClient(fixture.client)
        let survey = Cyberport_Stats_V1_PortSurveyServiceClient(fixture.client)
        let tables = Cyberport_Stats_V1_StatisticalTableServiceClient(fixture.client)

        var port = Cyberport_Stats_V1_Port()
        port.locode = StatsBenchFixture.port
        port.displayNameJa = "東京港"
        port.surveyClass = .a
        var create = Cyberport_Stats_V1_CreatePortRequest()
        create.port = port
        _ = try await ports.createPort(create, options: authority)

        var classes = Cyberport_Stats_V1_ListCommodityClassesRequest()
        classes.pageSize = 100
        let commodities = try await survey.listCommodityClasses(classes, options: authority).commodityClasses.map(\.code)
        let data = BenchData.year(lines: lines, respondents: respondents, commodities: commodities, seed: 0x57A7_2025)

        // Load: submit and approve every submission through the API.
        let loadStart = ContinuousClock.now
        for (month, respondent, content) in data {
            var request = Cyberport_Stats_V1_SubmitSurveyRequest()
            request.parent = "ports/\(StatsBenchFixture.port)"
            request.year = StatsBenchFixture.year
            request.month = month
            request.content = content
            let submitted = try await survey.submitSurvey(
                request, options: fixture.options(organization: respondent + 1, businessTypes: ["terminalOperator"]))
            var approve = Cyberport_Stats_V1_ApproveSurveySubmissionRequest()
            approve.name = submitted.name
            approve.etag = submitted.etag
            _ = try await survey.approveSurveySubmission(approve, options: authority)
        }
        let loadSeconds = Self.seconds(ContinuousClock.now - loadStart)
        FileHandle.standardError.write(Data("   loaded \(data.count) submissions in \(String(format: "%.1f", loadSeconds)) s\n".utf8))

        func build(table: Int32, month: Int32) async throws -> Cyberport_Stats_V1_StatisticalTable {
            var request = Cyberport_Stats_V1_GetStatisticalTableRequest()
            request.port = "ports/\(StatsBenchFixture.port)"
            request.tableNumber = table
            request.year = StatsBenchFixture.year
            request.month = month
            return try await tables.streamStatisticalTable(request, options: authority) { stream in
                var result = Cyberport_Stats_V1_StatisticalTable()
                for try await chunk in stream {
                    if let header = chunk.header { result = header }
                    result.rows += chunk.rows
                    result.subtotals += chunk.subtotals
                    if let total = chunk.total { result.total = total }
                }
                return result
            }
        }

        // One untimed pass (caches, prepared statements), which also records the table sizes.
        var annualRows: [Int] = []
        var freightTons: Int64 = 0
        for table in Int32(1)...5 {
            let built = try await build(table: table, month: 0)
            annualRows.append(built.rows.count)
            if table == 3 { freightTons = built.total?.measures.first ?? 0 }
        }
        let store = fixture.store
        var result = BackendResult(
            backend: backend, submissions: data.count, cargoLines: data.reduce(0) { $0 + $1.content.cargo.count },
            loadSeconds: loadSeconds, annualRows: annualRows, annualTotalFreightTonsMilli: freightTons, annual: [], year: [],
            csv: [], csvBytes: 0, reference: [], referenceLines: 0, referenceFreightTonsMilli: 0)
        for round in 1...rounds {
            FileHandle.standardError.write(Data("   round \(round)/\(rounds)\n".utf8))
            let reference = try await Self.time {
                try await store.read { session in
                    let row = try session.queryOne(
                        """
                        SELECT COUNT(*) AS n, CAST(SUM(l.freight_tons_milli) AS BIGINT) AS ft FROM survey_cargo_lines l
                        JOIN survey_submissions s ON s.id = l.submission_id AND l.revision = s.approved_revision
                        WHERE s.port = $1 AND s.year = $2
                        """, [.text(StatsBenchFixture.port), .int(Int64(StatsBenchFixture.year))])
                    return (try row?.int("n") ?? 0, try row?.int("ft") ?? 0)
                }
            }
            result.reference.append(reference.seconds)
            result.referenceLines = reference.value.0
            result.referenceFreightTonsMilli = reference.value.1
            result.annual.append(try await Self.time {
                for table in Int32(1)...5 { _ = try await build(table: table, month: 0) }
            }.seconds)
            result.year.append(try await Self.time {
                for month in Int32(0)...12 {
                    for table in Int32(1)...5 { _ = try await build(table: table, month: month) }
                }
            }.seconds)
            let csv = try await Self.time {
                var request = Cyberport_Stats_V1_GetStatisticalTableRequest()
                request.port = "ports/\(StatsBenchFixture.port)"
                request.tableNumber = 3
                request.year = StatsBenchFixture.year
                return try await tables.exportStatisticalTableCsv(request, options: authority) { stream in
                    var bytes = 0
                    for try await chunk in stream { bytes += chunk.data.count }
                    return bytes
                }
            }
            result.csv.append(csv.seconds)
            result.csvBytes = csv.value
        }
        guard result.referenceLines == Int64(result.cargoLines), result.referenceFreightTonsMilli == freightTons else {
            throw BenchError(
                "the tables disagree with the reference: \(result.referenceLines) lines / \(result.referenceFreightTonsMilli) FT‰ "
                    + "against \(result.cargoLines) lines / \(freightTons) FT‰")
        }
        return result
    }

    static func time<T>(_ body: () async throws -> T) async throws -> (value: T, seconds: Double) {
        let start = ContinuousClock.now
        let value = try await body()
        return (value, seconds(ContinuousClock.now - start))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
