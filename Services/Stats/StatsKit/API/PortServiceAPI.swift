import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

/// PortService: the ports Stats keeps data for, registered and changed by their port authority.
struct PortServiceAPI: Cyberport_Stats_V1_PortServiceProvider {
    let context: StatsContext

    func createPort(
        request: Cyberport_Stats_V1_CreatePortRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Port {
        let caller = try context.caller(serverContext)
        let input = request.port ?? Cyberport_Stats_V1_Port()
        let locode = try UNLocode.check(input.locode, field: "port.locode")
        try caller.requireAuthority(locode, "register the port")
        var port = Cyberport_Stats_V1_Port()
        port.locode = locode
        try PortInput.apply(input, to: &port, paths: PortInput.updatable, prefix: "port.")
        let now = WallClock.nowMicros()
        let record = PortRecord(port: port, version: 1, createdAt: now, updatedAt: now)
        try await context.write { session in
            let queries = PortQueries(session: session)
            if try queries.find(locode) != nil {
                throw APIError.make(
                    .alreadyExists, "ports/\(locode) is already registered", reason: "ALREADY_EXISTS",
                    metadata: ["resourceName": "ports/\(locode)"])
            }
            try queries.insert(record)
        }
        context.logger.info("port registered", metadata: ["port": "\(locode)", "by": "\(caller.organization)"])
        return record.proto
    }

    func getPort(
        request: Cyberport_Stats_V1_GetPortRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Port {
        _ = try context.caller(serverContext)
        let locode = try StatsName.port(request.name, field: "name")
        guard let record = try await context.read({ try PortQueries(session: $0).find(locode) }) else {
            throw APIError.notFound("port", name: request.name)
        }
        return record.proto
    }

    func listPorts(
        request: Cyberport_Stats_V1_ListPortsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListPortsResponse {
        _ = try context.caller(serverContext)
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: "ports")
        let rows = try await context.read { session in
            try PortQueries(session: session).list(after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.port.locode)
        var response = Cyberport_Stats_V1_ListPortsResponse()
        response.ports = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updatePort(
        request: Cyberport_Stats_V1_UpdatePortRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Port {
        let caller = try context.caller(serverContext)
        let input = request.port ?? Cyberport_Stats_V1_Port()
        let locode = try StatsName.port(input.name, field: "port.name")
        try caller.requireAuthority(locode, "change the port")
        let mask = try UpdateMask(request.updateMask, updatable: PortInput.updatable)
        var changes = Cyberport_Stats_V1_Port()
        try PortInput.apply(input, to: &changes, paths: mask.paths, prefix: "port.")
        let validated = changes
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let queries = PortQueries(session: session)
            guard var record = try queries.find(locode) else { throw APIError.notFound("port", name: input.name) }
            try ETag.check(input.etag, current: record.version, resource: input.name)
            try PortInput.apply(validated, to: &record.port, paths: mask.paths, prefix: "port.")
            record.version += 1
            record.updatedAt = now
            try queries.update(record)
            return record.proto
        }
    }
}

/// Validation of Port fields.
enum PortInput {
    static let updatable = [
        "display_name_ja", "display_name_en", "survey_class", "port_class", "prefecture", "location", "area_hectares",
    ]

    /// Copies the fields named by `paths` from `input` to `port`, validating each.
    static func apply<Paths: Sequence<String>>(
        _ input: Cyberport_Stats_V1_Port, to port: inout Cyberport_Stats_V1_Port, paths: Paths, prefix: String
    ) throws {
        for path in paths {
            let field = prefix + path
            switch path {
            case "display_name_ja": port.displayNameJa = try Input.required(input.displayNameJa, field: field, max: 100)
            case "display_name_en": port.displayNameEn = try Input.optional(input.displayNameEn, field: field, max: 100)
            case "survey_class": port.surveyClass = try Input.known(input.surveyClass, field: field)
            case "port_class":
                if input.portClass != .unspecified { _ = try Input.known(input.portClass, field: field) }
                port.portClass = input.portClass
            case "prefecture": port.prefecture = try Input.optional(input.prefecture, field: field, max: 20)
            case "location":
                if let point = input.location { try Locations.check(point, field: field) }
                port.location = input.location
            case "area_hectares":
                port.areaHectares = try Input.number(input.areaHectares, field: field, in: 0...10_000_000)
            default: break
            }
        }
    }
}

/// Checks of coordinates.
enum Locations {
    static func check(_ point: Cyberport_Stats_V1_GeoPoint, field: String) throws {
        _ = try Input.number(point.latitude, field: field + ".latitude", in: -90...90)
        _ = try Input.number(point.longitude, field: field + ".longitude", in: -180...180)
    }
}
