import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The Deals service's API. This first version serves the form catalogue.
struct DealsAPI: Cyberport_Deals_V1_DealServiceProvider {
    private let paginator = Paginator()

    static let forms: [Cyberport_Deals_V1_FormDefinition] = FormCatalog.all.map { entry in
        var form = Cyberport_Deals_V1_FormDefinition()
        form.name = "formDefinitions/\(entry.code)"
        form.code = entry.code
        form.displayNameJa = entry.ja
        form.displayNameEn = entry.en
        if entry.export { form.directions.append(.export) }
        if entry.import { form.directions.append(.import) }
        return form
    }

    func listFormDefinitions(
        request: Cyberport_Deals_V1_ListFormDefinitionsRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListFormDefinitionsResponse {
        let direction = request.direction
        guard [.unspecified, .export, .import].contains(direction) else {
            throw APIError.invalidArgument(field: "direction", "unknown trade direction \(direction.rawValue)")
        }
        let matching = direction == .unspecified ? Self.forms : Self.forms.filter { $0.directions.contains(direction) }
        let page = try paginator.page(
            matching, pageSize: request.pageSize, pageToken: request.pageToken, query: "direction=\(direction.rawValue)")
        var response = Cyberport_Deals_V1_ListFormDefinitionsResponse()
        response.formDefinitions = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = Int32(matching.count)
        return response
    }

    func getFormDefinition(
        request: Cyberport_Deals_V1_GetFormDefinitionRequest, context: ServerContext
    ) async throws -> Cyberport_Deals_V1_FormDefinition {
        let code = try ResourceName.id(of: request.name, collection: "formDefinitions")
        guard let form = Self.forms.first(where: { $0.code == code }) else {
            throw APIError.notFound("form definition", name: request.name)
        }
        return form
    }
}
