import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The Naccs service's API. This first version serves the catalogue of relayed NACCS procedures.
struct NaccsAPI: Cyberport_Naccs_V1_NaccsServiceProvider {
    /// Ordered by form id, as the contract says.
    static let procedures = ReferenceCatalog(
        collection: "naccsProcedures", resourceType: "NACCS procedure",
        items: NaccsProcedureCatalog.all.sorted { $0.formID < $1.formID }.map { entry in
            var procedure = Cyberport_Naccs_V1_NaccsProcedure()
            procedure.name = "naccsProcedures/\(entry.code)"
            procedure.code = entry.code
            procedure.formId = entry.formID
            procedure.displayNameJa = entry.ja
            procedure.kind = entry.kind
            procedure.publishedOn = entry.publishedOn
            return procedure
        },
        id: \.code)

    func listNaccsProcedures(
        request: Cyberport_Naccs_V1_ListNaccsProceduresRequest, context: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsProceduresResponse {
        let kind = request.kind
        guard (0...4).contains(kind.rawValue) else {
            throw APIError.invalidArgument(field: "kind", "unknown procedure kind \(kind.rawValue)")
        }
        let page = try Self.procedures.list(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "kind=\(kind.rawValue)"
        ) { kind == .unspecified || $0.kind == kind }
        var response = Cyberport_Naccs_V1_ListNaccsProceduresResponse()
        response.procedures = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getNaccsProcedure(
        request: Cyberport_Naccs_V1_GetNaccsProcedureRequest, context: ServerContext
    ) async throws -> Cyberport_Naccs_V1_NaccsProcedure {
        try Self.procedures.get(name: request.name)
    }
}
