import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The Stats service's API. This first version serves the catalogue of port statistics survey tables.
struct StatsAPI: Cyberport_Stats_V1_StatsServiceProvider {
    static let tables = ReferenceCatalog(
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
        let page = try Self.tables.list(pageSize: request.pageSize, pageToken: request.pageToken)
        var response = Cyberport_Stats_V1_ListSurveyTablesResponse()
        response.surveyTables = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getSurveyTable(
        request: Cyberport_Stats_V1_GetSurveyTableRequest, context: ServerContext
    ) async throws -> Cyberport_Stats_V1_SurveyTable {
        try Self.tables.get(name: request.name)
    }
}
