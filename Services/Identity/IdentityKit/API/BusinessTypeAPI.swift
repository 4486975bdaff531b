import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The business-type catalogue (public: no token needed).
struct BusinessTypeAPI: Cyberport_Identity_V1_IdentityServiceProvider {
    static let businessTypes = ReferenceCatalog(
        collection: "businessTypes", resourceType: "business type",
        items: BusinessTypeCatalog.all.map { entry in
            var type = Cyberport_Identity_V1_BusinessType()
            type.name = "businessTypes/\(entry.key)"
            type.id = entry.id
            type.key = entry.key
            type.displayNameJa = entry.ja
            type.displayNameEn = entry.en
            return type
        },
        id: \.key)

    func listBusinessTypes(
        request: Cyberport_Identity_V1_ListBusinessTypesRequest, context: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListBusinessTypesResponse {
        let page = try Self.businessTypes.list(pageSize: request.pageSize, pageToken: request.pageToken)
        var response = Cyberport_Identity_V1_ListBusinessTypesResponse()
        response.businessTypes = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getBusinessType(
        request: Cyberport_Identity_V1_GetBusinessTypeRequest, context: ServerContext
    ) async throws -> Cyberport_Identity_V1_BusinessType {
        try Self.businessTypes.get(name: request.name)
    }
}
