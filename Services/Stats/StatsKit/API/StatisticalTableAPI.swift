import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// StatisticalTableService: the catalogue of survey tables (public) and the tables of a port and period aggregated
/// from approved submissions (the port authority).
struct StatisticalTableAPI: Cyberport_Stats_V1_StatisticalTableServiceProvider {
    let context: StatsContext

    /// Rows one unary answer may hold; larger tables are streamed.
    static let maxUnaryRows = 10_000
    /// Rows per streamed chunk.
    static let rowsPerChunk = 500
    /// Bytes per CSV chunk (about).
    static let csvChunkBytes = 32 * 1024

    static let catalogue = ReferenceCatalog(
        collection: "surveyTables", resourceType: "survey table",
        items: SurveyTableCatalog.all.map { entry in
            var table = Cyberport_Stats_V1_SurveyTable()
            table.name = "surveyTables/\(entry.number)"
            table.number = entry.number
            table.displayNameJa = entry.ja
            table.displayNameEn = entry.en
            table.reportedByClassBPorts = entry.classB
            return table
        },
        id: { "\($0.number)" })

    func listSurveyTables(
        request: Cyberport_Stats_V1_ListSurveyTablesRequest, context: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListSurveyTablesResponse {
        let page = try Self.catalogue.list(pageSize: request.pageSize, pageToken: request.pageToken)
        var response = Cyberport_Stats_V1_ListSurveyTablesResponse()
        response.surveyTables = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getSurveyTable(
        request: Cyberport_Stats_V1_GetSurveyTableRequest, context: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveyTable {
        try Self.catalogue.get(name: request.name)
    }

    func getStatisticalTable(
        request: Cyberport_Stats_V1_GetStatisticalTableRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_StatisticalTable {
        let table = try await build(request, serverContext)
        guard table.rows.count <= Self.maxUnaryRows else {
            throw APIError.make(
                .resourceExhausted,
                "table \(table.tableNumber) has \(table.rows.count) rows, more than \(Self.maxUnaryRows) in one answer; use StreamStatisticalTable or ExportStatisticalTableCsv",
                reason: "TABLE_TOO_LARGE", metadata: ["limit": "\(Self.maxUnaryRows)", "rows": "\(table.rows.count)"])
        }
        return table
    }

    func streamStatisticalTable(
        request: Cyberport_Stats_V1_GetStatisticalTableRequest,
        responses: ServerResponseWriter<Cyberport_Stats_V1_StatisticalTableChunk>, context serverContext: ServerContext
    ) async throws {
        let table = try await build(request, serverContext)
        var header = table
        header.rows = []
        header.subtotals = []
        header.total = nil
        var first = Cyberport_Stats_V1_StatisticalTableChunk()
        first.header = header
        try await responses.write(first)
        var start = 0
        while start < table.rows.count {
            var chunk = Cyberport_Stats_V1_StatisticalTableChunk()
            chunk.rows = Array(table.rows[start..<min(start + Self.rowsPerChunk, table.rows.count)])
            try await responses.write(chunk)
            start += Self.rowsPerChunk
        }
        var last = Cyberport_Stats_V1_StatisticalTableChunk()
        last.subtotals = table.subtotals
        last.total = table.total
        try await responses.write(last)
    }

    func exportStatisticalTableCsv(
        request: Cyberport_Stats_V1_GetStatisticalTableRequest, responses: ServerResponseWriter<Cyberport_Stats_V1_CsvChunk>,
        context serverContext: ServerContext
    ) async throws {
        let table = try await build(request, serverContext)
        var buffer = TableCSV.header(table)
        func flush(force: Bool) async throws {
            guard buffer.utf8.count >= Self.csvChunkBytes || (force && !buffer.isEmpty) else { return }
            var chunk = Cyberport_Stats_V1_CsvChunk()
            chunk.data = Array(buffer.utf8)
            buffer = ""
            try await responses.write(chunk)
        }
        for row in table.rows {
            buffer += TableCSV.line(row)
            try await flush(force: false)
        }
        for row in table.subtotals {
            buffer += TableCSV.line(row)
            try await flush(force: false)
        }
        if let total = table.total { buffer += TableCSV.line(total) }
        try await flush(force: true)
    }

    /// Checks the request and the caller (the port authority), then aggregates the table.
    private func build(
        _ request: Cyberport_Stats_V1_GetStatisticalTableRequest, _ serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_StatisticalTable {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.port, field: "port")
        try caller.requireAuthority(port, "read its statistical tables")
        guard let definition = StatisticalTables.definition(Int(request.tableNumber)) else {
            throw APIError.invalidArgument(field: "table_number", "tables are numbered 1–5 (got \(request.tableNumber))")
        }
        let year = Int(try Input.integer(request.year, field: "year", in: 2000...2100))
        let month = Int(try Input.integer(request.month, field: "month", in: 0...12))
        let period = SurveyPeriod(port: port, year: year, month: month)
        let commodities = context.catalog.commodities
        return try await context.read { session in
            guard let record = try PortQueries(session: session).find(port) else {
                throw APIError.notFound("port", name: request.port)
            }
            if record.surveyClass == .b {
                if definition.number > 3 {
                    throw APIError.make(
                        .failedPrecondition, "ports/\(port) is a 乙種 port: it reports tables 1–3 only",
                        reason: "NOT_REPORTED_BY_CLASS_B", metadata: ["field": "table_number"])
                }
                if month != 0 {
                    throw APIError.make(
                        .failedPrecondition, "ports/\(port) is a 乙種 port: its tables are yearly (month 0)",
                        reason: "WRONG_SURVEY_PERIOD", metadata: ["field": "month"])
                }
            }
            return try StatisticalTables.build(
                definition, period: period, queries: TableQueries(session: session), commodities: commodities)
        }
    }
}
