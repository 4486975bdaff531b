import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The form catalogue: the 40 form kinds (public: no token needed).
struct FormDefinitionAPI: Cyberport_Deals_V1_DealServiceProvider {
    static let forms = ReferenceCatalog(
        collection: "formDefinitions", resourceType: "form definition",
        items: FormCatalog.all.map { entry in
            var form = Cyberport_Deals_V1_FormDefinition()
            form.name = "formDefinitions/\(entry.code)"
            form.code = entry.code
            form.displayNameJa = entry.ja
            form.displayNameEn = entry.en
            if entry.export { form.directions.append(.export) }
            if entry.import { form.directions.append(.import) }
            return form
        },
        id: \.code)

    func listFormDefinitions(
        request: Cyberport_Deals_V1_ListFormDefinitionsRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListFormDefinitionsResponse {
        let direction = request.direction
        guard [.unspecified, .export, .import].contains(direction) else {
            throw APIError.invalidArgument(field: "direction", "unknown trade direction \(direction.rawValue)")
        }
        let page = try Self.forms.list(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "direction=\(direction.rawValue)"
        ) { direction == .unspecified || $0.directions.contains(direction) }
        var response = Cyberport_Deals_V1_ListFormDefinitionsResponse()
        response.formDefinitions = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getFormDefinition(
        request: Cyberport_Deals_V1_GetFormDefinitionRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_FormDefinition {
        try Self.forms.get(name: request.name)
    }
}
