import NaccsMessages
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// NaccsService: the catalogue of the 68 business codes the relay handles, from `NaccsCatalog`.
struct ProcedureAPI: Cyberport_Naccs_V1_NaccsServiceProvider {
    let procedures: ReferenceCatalog<Cyberport_Naccs_V1_NaccsProcedure>

    init(catalog: NaccsCatalog) {
        procedures = ReferenceCatalog(
            collection: "naccsProcedures", resourceType: "NACCS procedure",
            items: catalog.businessCodes.sorted { $0.id < $1.id }.map { code in
                var procedure = Cyberport_Naccs_V1_NaccsProcedure()
                procedure.name = "naccsProcedures/\(code.code)"
                procedure.code = code.code
                procedure.formId = code.id
                procedure.displayNameJa = code.nameJa
                procedure.kind = Self.kind(code.kind)
                procedure.publishedOn = code.publishedOn
                return procedure
            },
            id: \.code)
    }

    static func kind(_ kind: NaccsProcedureKind) -> Cyberport_Naccs_V1_ProcedureKind {
        switch kind {
        case .register: .register
        case .call: .call
        case .registerAndCall: .registerAndCall
        case .inquiry: .inquiry
        }
    }

    func listNaccsProcedures(
        request: Cyberport_Naccs_V1_ListNaccsProceduresRequest, context: ServerContext
    ) async throws -> Cyberport_Naccs_V1_ListNaccsProceduresResponse {
        let kind = request.kind
        guard (0...4).contains(kind.rawValue) else {
            throw APIError.invalidArgument(field: "kind", "unknown procedure kind \(kind.rawValue)")
        }
        let page = try procedures.list(
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
        try procedures.get(name: request.name)
    }
}
