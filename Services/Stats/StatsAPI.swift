import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The Stats service's API. This first version serves the catalogue of port statistics survey tables.
struct StatsAPI: Cyberport_Stats_V1_StatsServiceProvider {
    private let paginator = Paginator()

    static let tables: [Cyberport_Stats_V1_SurveyTable] = SurveyTableCatalog.all.map { entry in
        var table = Cyberport_Stats_V1_SurveyTable()
        table.name = "surveyTables/\(entry.number)"
        table.number = entry.number
        table.displayNameJa = entry.ja
        table.displayNameEn = entry.en
        table.reportedByClassBPorts = entry.classB
        return table
    }

    func listSurveyTables(
        request: Cyberport_Stats_V1_ListSurveyTablesRequest, context: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListSurveyTablesResponse {
        let page = try paginator.page(Self.tables, pageSize: request.pageSize, pageToken: request.pageToken)
        var response = Cyberport_Stats_V1_ListSurveyTablesResponse()
        response.surveyTables = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = Int32(Self.tables.count)
        return response
    }

    func getSurveyTable(
        request: Cyberport_Stats_V1_GetSurveyTableRequest, context: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveyTable {
        let id = try ResourceName.id(of: request.name, collection: "surveyTables")
        guard let table = Self.tables.first(where: { "\($0.number)" == id }) else {
            throw APIError.notFound("survey table", name: request.name)
        }
        return table
    }
}
