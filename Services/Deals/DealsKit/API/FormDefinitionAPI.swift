import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// The form catalogue: the 39 form kinds with their field schemas and default permissions (public: no token needed).
struct FormDefinitionAPI: Sendable {
    let forms: ReferenceCatalog<Cyberport_Deals_V1_FormDefinition>

    init(catalog: FormCatalog) {
        forms = ReferenceCatalog(
            collection: "formDefinitions", resourceType: "form definition",
            items: catalog.forms.map { Self.definition($0, permissions: catalog.permissions) }, id: \.code)
    }

    static func definition(_ schema: FormSchema, permissions: PermissionMatrix) -> Cyberport_Deals_V1_FormDefinition {
        var form = Cyberport_Deals_V1_FormDefinition()
        form.name = "formDefinitions/\(schema.code)"
        form.code = schema.code
        form.displayNameJa = schema.nameJa
        form.displayNameEn = schema.nameEn
        if schema.usedInExport { form.directions.append(.export) }
        if schema.usedInImport { form.directions.append(.import) }
        form.unit =
            switch schema.unit {
            case .bl: .bl
            case .container: .container
            case .eir: .eir
            case .unlimited: .unlimited
            }
        form.editLockTrigger = schema.editLockTrigger
        form.fields = schema.fields.map(definition)
        form.defaultPermissions = permissions.entries(form: schema.code).map { entry in
            var permission = Cyberport_Deals_V1_DefaultPermission()
            permission.businessType = entry.businessType
            permission.permission =
                switch entry.permission {
                case .readWrite: .readWrite
                case .read: .read
                case .none: .none
                }
            permission.reason = entry.reason
            return permission
        }
        form.source = schema.source
        return form
    }

    static func definition(_ schema: FieldSchema) -> Cyberport_Deals_V1_FieldDefinition {
        var field = Cyberport_Deals_V1_FieldDefinition()
        field.name = schema.name
        field.labelJa = schema.labelJa
        field.required = schema.required
        field.rootPath = schema.rootPath ?? ""
        switch schema.type {
        case .text(let maxLength):
            field.type = .text
            field.maxLength = Int32(maxLength)
        case .number(let precision, let scale):
            field.type = .number
            field.precision = Int32(precision)
            field.scale = Int32(scale)
        case .integer: field.type = .integer
        case .date: field.type = .date
        case .time: field.type = .time
        case .code(let list):
            field.type = .code
            field.codeList = list
        case .containerNo: field.type = .containerNo
        case .imoNumber: field.type = .imoNumber
        case .unLocode: field.type = .unLocode
        case .hsCode: field.type = .hsCode
        case .unNumber: field.type = .unNumber
        case .imdgClass: field.type = .imdgClass
        case .boolean: field.type = .boolean
        case .group(let fields, let maxRows):
            field.type = .group
            field.fields = fields.map(definition)
            field.maxRows = Int32(maxRows)
        }
        return field
    }

    func listFormDefinitions(
        request: Cyberport_Deals_V1_ListFormDefinitionsRequest
    ) async throws -> Cyberport_Deals_V1_ListFormDefinitionsResponse {
        let direction = request.direction
        guard [.unspecified, .export, .import].contains(direction) else {
            throw APIError.invalidArgument(field: "direction", "unknown trade direction \(direction.rawValue)")
        }
        let page = try forms.list(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "direction=\(direction.rawValue)"
        ) { direction == .unspecified || $0.directions.contains(direction) }
        var response = Cyberport_Deals_V1_ListFormDefinitionsResponse()
        response.formDefinitions = page.items
        response.nextPageToken = page.nextPageToken
        response.totalSize = page.totalSize
        return response
    }

    func getFormDefinition(
        request: Cyberport_Deals_V1_GetFormDefinitionRequest
    ) async throws -> Cyberport_Deals_V1_FormDefinition {
        try forms.get(name: request.name)
    }
}
