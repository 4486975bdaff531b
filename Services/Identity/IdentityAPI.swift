import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The Identity service's API. This first version serves the business-type catalogue.
struct IdentityAPI: Cyberport_Identity_V1_IdentityServiceProvider {
    private let paginator = Paginator()

    static let businessTypes: [Cyberport_Identity_V1_BusinessType] = BusinessTypeCatalog.all.map { entry in
        var type = Cyberport_Identity_V1_BusinessType()
        type.name = "businessTypes/\(entry.key)"
        type.id = entry.id
        type.key = entry.key
        type.displayNameJa = entry.ja
        type.displayNameEn = entry.en
        return type
    }

    func listBusinessTypes(
        request: Cyberport_Identity_V1_ListBusinessTypesRequest, context: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListBusinessTypesResponse {
        let page = try paginator.page(Self.businessTypes, pageSize: request.pageSize, pageToken: request.pageToken)
        var response = Cyberport_Identity_V1_ListBusinessTypesResponse()
        response.businessTypes = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = Int32(Self.businessTypes.count)
        return response
    }

    func getBusinessType(
        request: Cyberport_Identity_V1_GetBusinessTypeRequest, context: ServerContext
    ) async throws -> Cyberport_Identity_V1_BusinessType {
        let key = try ResourceName.id(of: request.name, collection: "businessTypes")
        guard let type = Self.businessTypes.first(where: { $0.key == key }) else {
            throw APIError.notFound("business type", name: request.name)
        }
        return type
    }
}
