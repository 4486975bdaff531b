import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// FacilityLedgerService: the facility ledger of a port, kept by its port authority.
struct FacilityLedgerAPI: Cyberport_Stats_V1_FacilityLedgerServiceProvider {
    let context: StatsContext

    func listFacilityCategories(
        request: Cyberport_Stats_V1_ListFacilityCategoriesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListFacilityCategoriesResponse {
        _ = try context.caller(serverContext)
        var response = Cyberport_Stats_V1_ListFacilityCategoriesResponse()
        response.categories = context.catalog.facilityCategories.map { entry in
            var category = Cyberport_Stats_V1_FacilityCategory()
            category.key = entry.key
            category.displayNameJa = entry.nameJa
            category.displayNameEn = entry.nameEn
            category.types = entry.types.map { type in
                var proto = Cyberport_Stats_V1_FacilityType()
                proto.key = type.key
                proto.displayNameJa = type.nameJa
                proto.displayNameEn = type.nameEn
                return proto
            }
            return category
        }
        return response
    }

    func createFacility(
        request: Cyberport_Stats_V1_CreateFacilityRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Facility {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        try caller.requireAuthority(port, "add facilities to its ledger")
        let input = request.facility ?? Cyberport_Stats_V1_Facility()
        var facility = Cyberport_Stats_V1_Facility()
        guard let category = context.catalog.facilityCategory(input.category) else {
            throw APIError.invalidArgument(
                field: "facility.category",
                "unknown category \"\(input.category)\" (\(context.catalog.facilityCategories.map(\.key).joined(separator: ", ")))")
        }
        facility.category = category.key
        try FacilityInput.apply(input, to: &facility, paths: FacilityInput.updatable, catalog: context.catalog)
        let now = WallClock.nowMicros()
        let record = FacilityRecord(
            id: ResourceID.generate(now: now), port: port, facility: facility, version: 1, createdAt: now, updatedAt: now)
        try await context.write { session in
            guard try PortQueries(session: session).find(port) != nil else {
                throw APIError.notFound("port", name: request.parent)
            }
            try FacilityQueries(session: session).insert(record)
        }
        return record.proto
    }

    func getFacility(
        request: Cyberport_Stats_V1_GetFacilityRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Facility {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.name, field: "name", collection: "facilities")
        try caller.requireAuthority(port, "read its facility ledger")
        guard let record = try await context.read({ try FacilityQueries(session: $0).find(port: port, id: id) }) else {
            throw APIError.notFound("facility", name: request.name)
        }
        return record.proto
    }

    func listFacilities(
        request: Cyberport_Stats_V1_ListFacilitiesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListFacilitiesResponse {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.parent, field: "parent")
        try caller.requireAuthority(port, "read its facility ledger")
        if !request.category.isEmpty, context.catalog.facilityCategory(request.category) == nil {
            throw APIError.invalidArgument(field: "category", "unknown category \"\(request.category)\"")
        }
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(port)|\(request.category)")
        let category = request.category.isEmpty ? nil : request.category
        let rows = try await context.read { session in
            try FacilityQueries(session: session).list(port: port, category: category, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Stats_V1_ListFacilitiesResponse()
        response.facilities = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateFacility(
        request: Cyberport_Stats_V1_UpdateFacilityRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Facility {
        let caller = try context.caller(serverContext)
        let input = request.facility ?? Cyberport_Stats_V1_Facility()
        let (port, id) = try StatsName.child(input.name, field: "facility.name", collection: "facilities")
        try caller.requireAuthority(port, "change its facility ledger")
        let mask = try UpdateMask(request.updateMask, updatable: FacilityInput.updatable)
        let catalog = context.catalog
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let queries = FacilityQueries(session: session)
            guard var record = try queries.find(port: port, id: id) else {
                throw APIError.notFound("facility", name: input.name)
            }
            try ETag.check(input.etag, current: record.version, resource: input.name)
            try FacilityInput.apply(input, to: &record.facility, paths: mask.paths, catalog: catalog)
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record.proto
        }
    }

    func addFacilityWork(
        request: Cyberport_Stats_V1_AddFacilityWorkRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Facility {
        let caller = try context.caller(serverContext)
        let (port, id) = try StatsName.child(request.facility, field: "facility", collection: "facilities")
        try caller.requireAuthority(port, "change its facility ledger")
        var work = request.work ?? Cyberport_Stats_V1_FacilityWork()
        work.date = try CalendarDate.parse(work.date, field: "work.date").description
        work.kind = try Input.known(work.kind, field: "work.kind")
        work.description_p = try Input.required(work.description_p, field: "work.description", max: 2000)
        _ = try Input.integer(work.costYen, field: "work.cost_yen", in: 0...10_000_000_000_000)
        let entry = work
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let queries = FacilityQueries(session: session)
            guard var record = try queries.find(port: port, id: id) else {
                throw APIError.notFound("facility", name: request.facility)
            }
            try ETag.check(request.etag, current: record.version, resource: request.facility)
            guard record.facility.history.count < 1000 else {
                throw APIError.make(.resourceExhausted, "a facility keeps at most 1000 history entries", reason: "TOO_MANY_ENTRIES")
            }
            record.facility.history.append(entry)
            record.facility.history.sort { $0.date < $1.date }
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record.proto
        }
    }
}

/// Validation of Facility fields.
enum FacilityInput {
    static let updatable = [
        "display_name", "facility_type", "location", "structure", "length_metres", "depth_metres", "design_vessel", "owner",
        "manager", "construction_date", "attachments",
    ]

    /// Copies the fields named by `paths` from `input` to `facility` (whose category is set), validating each.
    static func apply<Paths: Sequence<String>>(
        _ input: Cyberport_Stats_V1_Facility, to facility: inout Cyberport_Stats_V1_Facility, paths: Paths, catalog: StatsCatalog
    ) throws {
        for path in paths {
            let field = "facility." + path
            switch path {
            case "display_name": facility.displayName = try Input.required(input.displayName, field: field, max: 200)
            case "facility_type":
                guard let category = catalog.facilityCategory(facility.category), category.hasType(input.facilityType) else {
                    let known = catalog.facilityCategory(facility.category)?.types.map(\.key).joined(separator: ", ") ?? ""
                    throw APIError.invalidArgument(
                        field: field, "\"\(input.facilityType)\" is not a type of category \(facility.category) (\(known))")
                }
                facility.facilityType = input.facilityType
            case "location":
                switch input.location {
                case .point(let point)?: try Locations.check(point, field: "facility.point")
                case .geojson(let text)?: try GeoJSON.check(text, field: "facility.geojson")
                case nil: break
                }
                facility.location = input.location
            case "structure": facility.structure = try Input.optional(input.structure, field: field, max: 200)
            case "length_metres": facility.lengthMetres = try Input.number(input.lengthMetres, field: field, in: 0...100_000)
            case "depth_metres": facility.depthMetres = try Input.number(input.depthMetres, field: field, in: 0...100)
            case "design_vessel": facility.designVessel = try Input.optional(input.designVessel, field: field, max: 200)
            case "owner": facility.owner = try Input.optional(input.owner, field: field, max: 200)
            case "manager": facility.manager = try Input.optional(input.manager, field: field, max: 200)
            case "construction_date":
                facility.constructionDate = try CalendarDate.parse(input.constructionDate, field: field).description
            case "attachments":
                guard input.attachments.count <= 50 else { throw APIError.invalidArgument(field: field, "at most 50 attachments") }
                facility.attachments = try input.attachments.enumerated().map { index, attachment in
                    var result = attachment
                    let prefix = "\(field)[\(index)]."
                    result.uri = try Input.required(attachment.uri, field: prefix + "uri", max: 2000)
                    guard result.uri.hasPrefix("https://") || result.uri.hasPrefix("s3://") else {
                        throw APIError.invalidArgument(field: prefix + "uri", "an https:// or s3:// URI")
                    }
                    result.title = try Input.required(attachment.title, field: prefix + "title", max: 200)
                    result.mediaType = try Input.optional(attachment.mediaType, field: prefix + "media_type", max: 100)
                    return result
                }
            default: break
            }
        }
    }
}
