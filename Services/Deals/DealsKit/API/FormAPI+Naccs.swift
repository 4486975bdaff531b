import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

/// The "naccs.*" root-document paths: numbers and statuses NACCS issued, written only by the Naccs service and
/// readable by every participant.
enum NaccsInformationPaths {
    /// The service name of the only principal allowed to write them ("services/naccs").
    static let writer = "services/naccs"

    static func contains(_ path: String) -> Bool { path.hasPrefix("naccs.") }
}

extension FormAPI {
    func recordNaccsInformation(
        request: Cyberport_Deals_V1_RecordNaccsInformationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_RootDocument {
        let principal = try context.authenticator.authenticate(serverContext)
        guard principal.isService, principal.subject == NaccsInformationPaths.writer else {
            throw DealCaller.denied("only the Naccs service may record NACCS information")
        }
        let name = try RootDocumentName(parsing: request.name, field: "name")
        let organization = try OrganizationName(parsing: request.organization, field: "organization")
        let code = request.businessCode
        guard (1...5).contains(code.utf8.count), code.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) })
        else { throw APIError.invalidArgument(field: "business_code", "expected a NACCS business code such as ECR") }
        guard !request.values.isEmpty else { throw APIError.invalidArgument(field: "values", "give at least one value") }
        let catalog = context.catalog
        var updates: [(String, String)] = []
        for (index, value) in request.values.enumerated() {
            let field = "values[\(index)]"
            guard NaccsInformationPaths.contains(value.path), let item = catalog.root.item(at: value.path) else {
                throw APIError.invalidArgument(field: "\(field).path", "\"\(value.path)\" is not a naccs.* path of the root document")
            }
            guard value.rows.isEmpty else { throw APIError.invalidArgument(field: "\(field).rows", "naccs.* paths are scalars") }
            let schema = FieldSchema(name: "value", labelJa: item.labelJa, type: item.type, required: false, rootPath: item.path)
            switch FieldRules.normalize(value.value, field: schema, catalog: catalog) {
            case .valid(let normalized): updates.append((value.path, normalized))
            case .invalid(let violation):
                throw APIError.invalidArgument(field: "\(field).value", "\(value.path): \(violation.message)", reason: violation.rule)
            }
        }
        let changesToWrite = updates
        let now = WallClock.nowMicros()
        let dealNumber = name.deal.dealNumber
        let document = try await context.write { session in
            let deals = DealQueries(session: session)
            guard try deals.find(dealNumber) != nil else { throw APIError.notFound("deal", name: name.deal.description) }
            let forms = FormQueries(session: session)
            let previous = try forms.root(deal: dealNumber)
            var root = previous.document
            var changes: [TimelineRecord.Change] = []
            for (path, value) in changesToWrite where (root.values[path] ?? "") != value {
                changes.append(.init(field: path, old: root.values[path] ?? "", new: value))
                root.set(path, value)
            }
            if !changes.isEmpty {
                try forms.save(root: root, deal: dealNumber, previous: previous, now: now)
                var record = TimelineRecord(
                    dealNumber: dealNumber, kind: .naccsInformationRecorded, actorOrganization: organization.description,
                    actorOrganizationID: organization.organization, actor: principal.subject)
                record.formCode = code
                record.changes = changes
                try TimelineQueries.append(session, record, now: now)
            }
            return root
        }
        context.committed(deal: dealNumber)
        var answer = Cyberport_Deals_V1_RootDocument()
        answer.name = name.description
        answer.values = document.values.keys.filter(NaccsInformationPaths.contains).sorted().map { path in
            var value = Cyberport_Deals_V1_RootValue()
            value.path = path
            value.value = document.values[path] ?? ""
            return value
        }
        answer.updateTime = Google_Protobuf_Timestamp(micros: now)
        return answer
    }
}
