import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// InspectionService: inspections of a port's facilities and their maintenance plans (the port authority).
struct InspectionAPI: Cyberport_Stats_V1_InspectionServiceProvider {
    let context: StatsContext

    func recordInspection(
        request: Cyberport_Stats_V1_RecordInspectionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Inspection {
        let caller = try context.caller(serverContext)
        let (port, facilityID) = try StatsName.child(request.parent, field: "parent", collection: "facilities")
        try caller.requireAuthority(port, "record inspections of its facilities")
        let input = request.inspection ?? Cyberport_Stats_V1_Inspection()
        var inspection = Cyberport_Stats_V1_Inspection()
        inspection.kind = try Input.known(input.kind, field: "inspection.kind")
        let date = try CalendarDate.parse(input.date, field: "inspection.date")
        guard date <= CalendarDate.today() else {
            throw APIError.invalidArgument(field: "inspection.date", "an inspection is recorded after it took place (\(date) is in the future)")
        }
        inspection.date = date.description
        inspection.inspector = try Input.required(input.inspector, field: "inspection.inspector", max: 200)
        guard input.members.count <= 200 else {
            throw APIError.invalidArgument(field: "inspection.members", "at most 200 members")
        }
        if inspection.kind == .routine, !input.members.isEmpty {
            throw APIError.invalidArgument(
                field: "inspection.members", "routine inspections record findings in notes, not member grades")
        }
        inspection.members = try input.members.enumerated().map { index, member in
            var result = member
            let prefix = "inspection.members[\(index)]."
            result.member = try Input.required(member.member, field: prefix + "member", max: 100)
            result.grade = try Input.known(member.grade, field: prefix + "grade")
            result.finding = try Input.optional(member.finding, field: prefix + "finding", max: 1000)
            return result
        }
        inspection.notes = try Input.optional(input.notes, field: "inspection.notes", max: 2000)
        inspection.performanceGrade = GradeRollup.performanceGrade(inspection.members)
        let recorded = inspection
        let now = WallClock.nowMicros()
        let record = InspectionRecord(
            id: ResourceID.generate(now: now), port: port, facilityID: facilityID, inspection: inspection, createdAt: now)
        try await context.write { session in
            let facilities = FacilityQueries(session: session)
            guard var facility = try facilities.find(port: port, id: facilityID) else {
                throw APIError.notFound("facility", name: request.parent)
            }
            try InspectionQueries(session: session).insert(record)
            // The latest inspection by date sets the last inspection date; the latest graded one sets the grade.
            if recorded.date > facility.lastInspectionDate { facility.lastInspectionDate = recorded.date }
            if recorded.performanceGrade != .unspecified, recorded.date >= facility.gradedOn {
                facility.performanceGrade = recorded.performanceGrade
                facility.gradedOn = recorded.date
            }
            facility.version += 1
            facility.updatedAt = now
            try facilities.update(facility)
        }
        context.logger.info(
            "inspection recorded",
            metadata: ["inspection": "\(record.proto.name)", "grade": "\(inspection.performanceGrade)"])
        return record.proto
    }

    func getInspection(
        request: Cyberport_Stats_V1_GetInspectionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_Inspection {
        let caller = try context.caller(serverContext)
        let (port, facility, id) = try StatsName.inspection(request.name, field: "name")
        try caller.requireAuthority(port, "read inspections of its facilities")
        guard let record = try await context.read({
            try InspectionQueries(session: $0).find(port: port, facilityID: facility, id: id)
        }) else {
            throw APIError.notFound("inspection", name: request.name)
        }
        return record.proto
    }

    func listInspections(
        request: Cyberport_Stats_V1_ListInspectionsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListInspectionsResponse {
        let caller = try context.caller(serverContext)
        let (port, facilityID) = try StatsName.child(request.parent, field: "parent", collection: "facilities")
        try caller.requireAuthority(port, "read inspections of its facilities")
        let cursor = try context.pagination.cursor(pageSize: request.pageSize, pageToken: request.pageToken, query: request.parent)
        let rows = try await context.read { session in
            guard try FacilityQueries(session: session).find(port: port, id: facilityID) != nil else {
                throw APIError.notFound("facility", name: request.parent)
            }
            return try InspectionQueries(session: session).list(
                port: port, facilityID: facilityID, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.sortKey)
        var response = Cyberport_Stats_V1_ListInspectionsResponse()
        response.inspections = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func getMaintenancePlan(
        request: Cyberport_Stats_V1_GetMaintenancePlanRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_MaintenancePlan {
        let caller = try context.caller(serverContext)
        let (port, facilityID) = try StatsName.maintenancePlan(request.name, field: "name")
        try caller.requireAuthority(port, "read maintenance plans of its facilities")
        let record = try await context.read { session in
            guard try FacilityQueries(session: session).find(port: port, id: facilityID) != nil else {
                throw APIError.notFound("facility", name: StatsName.facility(port, facilityID))
            }
            return try InspectionQueries(session: session).plan(facilityID: facilityID)
        }
        return Self.proto(record, name: request.name)
    }

    func updateMaintenancePlan(
        request: Cyberport_Stats_V1_UpdateMaintenancePlanRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_MaintenancePlan {
        let caller = try context.caller(serverContext)
        let input = request.plan ?? Cyberport_Stats_V1_MaintenancePlan()
        let (port, facilityID) = try StatsName.maintenancePlan(input.name, field: "plan.name")
        try caller.requireAuthority(port, "change maintenance plans of its facilities")
        let mask = try UpdateMask(
            request.updateMask,
            updatable: [
                "target_service_life_years", "maintenance_level", "general_inspection_interval_years",
                "detailed_inspection_interval_years", "interventions", "policy",
            ])
        var changes = Cyberport_Stats_V1_MaintenancePlan()
        if mask.contains("target_service_life_years") {
            changes.targetServiceLifeYears = try Input.integer(input.targetServiceLifeYears, field: "plan.target_service_life_years", in: 1...200)
        }
        if mask.contains("maintenance_level") {
            changes.maintenanceLevel = try Input.optional(input.maintenanceLevel, field: "plan.maintenance_level", max: 100)
        }
        if mask.contains("general_inspection_interval_years") {
            changes.generalInspectionIntervalYears = try Input.integer(
                input.generalInspectionIntervalYears, field: "plan.general_inspection_interval_years", in: 1...20)
        }
        if mask.contains("detailed_inspection_interval_years") {
            changes.detailedInspectionIntervalYears = try Input.integer(
                input.detailedInspectionIntervalYears, field: "plan.detailed_inspection_interval_years", in: 1...50)
        }
        if mask.contains("interventions") {
            guard input.interventions.count <= 200 else {
                throw APIError.invalidArgument(field: "plan.interventions", "at most 200 interventions")
            }
            changes.interventions = try input.interventions.enumerated().map { index, intervention in
                var result = intervention
                let prefix = "plan.interventions[\(index)]."
                _ = try Input.integer(intervention.year, field: prefix + "year", in: 2000...2200)
                result.description_p = try Input.required(intervention.description_p, field: prefix + "description", max: 500)
                _ = try Input.integer(intervention.estimatedCostYen, field: prefix + "estimated_cost_yen", in: 0...10_000_000_000_000)
                return result
            }
        }
        if mask.contains("policy") { changes.policy = try Input.optional(input.policy, field: "plan.policy", max: 4000) }
        let now = WallClock.nowMicros()
        let finalChanges = changes
        let record = try await context.write { session in
            guard try FacilityQueries(session: session).find(port: port, id: facilityID) != nil else {
                throw APIError.notFound("facility", name: StatsName.facility(port, facilityID))
            }
            let queries = InspectionQueries(session: session)
            let existing = try queries.plan(facilityID: facilityID)
            if let existing {
                try ETag.check(input.etag, current: existing.version, resource: input.name)
            } else if !input.etag.isEmpty {
                try ETag.check(input.etag, current: 0, resource: input.name)
            }
            var record = existing
                ?? MaintenancePlanRecord(facilityID: facilityID, port: port, plan: Self.defaults, version: 0, updatedAt: now)
            for path in mask.paths {
                switch path {
                case "target_service_life_years": record.plan.targetServiceLifeYears = finalChanges.targetServiceLifeYears
                case "maintenance_level": record.plan.maintenanceLevel = finalChanges.maintenanceLevel
                case "general_inspection_interval_years":
                    record.plan.generalInspectionIntervalYears = finalChanges.generalInspectionIntervalYears
                case "detailed_inspection_interval_years":
                    record.plan.detailedInspectionIntervalYears = finalChanges.detailedInspectionIntervalYears
                case "interventions": record.plan.interventions = finalChanges.interventions
                case "policy": record.plan.policy = finalChanges.policy
                default: break
                }
            }
            record.version += 1
            record.updatedAt = now
            try queries.save(record, insert: existing == nil)
            return record
        }
        return Self.proto(record, name: input.name)
    }

    /// A plan before it is first written: the guideline's intervals, no interventions.
    static var defaults: Cyberport_Stats_V1_MaintenancePlan {
        var plan = Cyberport_Stats_V1_MaintenancePlan()
        plan.generalInspectionIntervalYears = 5
        plan.detailedInspectionIntervalYears = 10
        return plan
    }

    static func proto(_ record: MaintenancePlanRecord?, name: String) -> Cyberport_Stats_V1_MaintenancePlan {
        var plan = record?.plan ?? defaults
        plan.name = name
        if let record {
            plan.updateTime = Google_Protobuf_Timestamp(micros: record.updatedAt)
            plan.etag = ETag.make(record.version)
        }
        return plan
    }
}
