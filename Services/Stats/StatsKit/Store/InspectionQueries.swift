import PortProtocol
import PortServiceKit
import PortStore

/// A stored inspection.
struct InspectionRecord: Sendable {
    var id: String
    var port: String
    var facilityID: String
    var inspection: Cyberport_Stats_V1_Inspection
    var createdAt: Int64

    var sortKey: String { inspection.date + "|" + id }

    var proto: Cyberport_Stats_V1_Inspection {
        var result = inspection
        result.name = StatsName.inspection(port, facilityID, id)
        result.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        return result
    }
}

/// A stored maintenance plan.
struct MaintenancePlanRecord: Sendable {
    var facilityID: String
    var port: String
    var plan: Cyberport_Stats_V1_MaintenancePlan
    var version: Int64
    var updatedAt: Int64

    /// The intervals of periodic inspections, with the guideline's defaults (5 and 10 years).
    var generalInterval: Int { plan.generalInspectionIntervalYears > 0 ? Int(plan.generalInspectionIntervalYears) : 5 }
    var detailedInterval: Int { plan.detailedInspectionIntervalYears > 0 ? Int(plan.detailedInspectionIntervalYears) : 10 }
}

/// Reads and writes of inspections and maintenance plans.
struct InspectionQueries {
    let session: any SQLSession

    func insert(_ record: InspectionRecord) throws {
        var stored = record.inspection
        stored.name = ""
        stored.createTime = nil
        try session.execute(
            """
            INSERT INTO inspections (id, port, facility_id, kind, inspected_on, performance_grade, created_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """,
            [
                .text(record.id), .text(record.port), .text(record.facilityID), .int(Int64(record.inspection.kind.rawValue)),
                .text(record.inspection.date), .int(Int64(record.inspection.performanceGrade.rawValue)),
                .int(record.createdAt), .bytes(stored.serializedBytes()),
            ])
    }

    func find(port: String, facilityID: String, id: String) throws -> InspectionRecord? {
        try session.queryOne(
            "SELECT id, port, facility_id, created_at, body FROM inspections WHERE id = $1 AND port = $2 AND facility_id = $3",
            [.text(id), .text(port), .text(facilityID)]
        ).map(Self.record)
    }

    /// By date, then id, after the key "date|id".
    func list(port: String, facilityID: String, after: String?, limit: Int) throws -> [InspectionRecord] {
        var sql = "SELECT id, port, facility_id, created_at, body FROM inspections WHERE port = $1 AND facility_id = $2"
        var binds: [SQLValue] = [.text(port), .text(facilityID)]
        if let after, let separator = after.firstIndex(of: "|") {
            binds.append(.text(String(after[..<separator])))
            binds.append(.text(String(after[after.index(after: separator)...])))
            sql += " AND (inspected_on > $3 OR (inspected_on = $3 AND id > $4))"
        }
        sql += " ORDER BY inspected_on, id LIMIT \(limit)"
        return try session.query(sql, binds).map(Self.record)
    }

    /// The latest general and detailed periodic inspection date of every facility of `port` that has one.
    func lastPeriodicInspections(port: String) throws -> [String: (general: String?, detailed: String?)] {
        var result: [String: (general: String?, detailed: String?)] = [:]
        for row in try session.query(
            """
            SELECT facility_id, kind, MAX(inspected_on) AS last FROM inspections
            WHERE port = $1 AND kind IN ($2, $3) GROUP BY facility_id, kind
            """,
            [
                .text(port), .int(Int64(Cyberport_Stats_V1_InspectionKind.generalPeriodic.rawValue)),
                .int(Int64(Cyberport_Stats_V1_InspectionKind.detailedPeriodic.rawValue)),
            ])
        {
            let facility = try row.string("facility_id")
            let last = try row.string("last")
            var entry = result[facility] ?? (nil, nil)
            if try row.int("kind") == Int64(Cyberport_Stats_V1_InspectionKind.detailedPeriodic.rawValue) {
                entry.detailed = last
            } else {
                entry.general = last
            }
            result[facility] = entry
        }
        return result
    }

    // MARK: Maintenance plans

    func plan(facilityID: String) throws -> MaintenancePlanRecord? {
        try session.queryOne(
            "SELECT facility_id, port, version, updated_at, body FROM maintenance_plans WHERE facility_id = $1", [.text(facilityID)]
        ).map(Self.planRecord)
    }

    func plans(port: String) throws -> [MaintenancePlanRecord] {
        try session.query(
            "SELECT facility_id, port, version, updated_at, body FROM maintenance_plans WHERE port = $1 ORDER BY facility_id",
            [.text(port)]
        ).map(Self.planRecord)
    }

    func save(_ record: MaintenancePlanRecord, insert: Bool) throws {
        var stored = record.plan
        stored.name = ""
        stored.etag = ""
        stored.updateTime = nil
        let binds: [SQLValue] = [
            .text(record.facilityID), .text(record.port), .int(record.version), .int(record.updatedAt),
            .bytes(stored.serializedBytes()),
        ]
        if insert {
            try session.execute(
                "INSERT INTO maintenance_plans (facility_id, port, version, updated_at, body) VALUES ($1, $2, $3, $4, $5)", binds)
        } else {
            try session.execute(
                "UPDATE maintenance_plans SET version = $3, updated_at = $4, body = $5 WHERE facility_id = $1 AND port = $2", binds)
        }
    }

    private static func record(_ row: SQLRow) throws -> InspectionRecord {
        InspectionRecord(
            id: try row.string("id"), port: try row.string("port"), facilityID: try row.string("facility_id"),
            inspection: try Cyberport_Stats_V1_Inspection(serializedBytes: try row.bytes("body")),
            createdAt: try row.int("created_at"))
    }

    private static func planRecord(_ row: SQLRow) throws -> MaintenancePlanRecord {
        MaintenancePlanRecord(
            facilityID: try row.string("facility_id"), port: try row.string("port"),
            plan: try Cyberport_Stats_V1_MaintenancePlan(serializedBytes: try row.bytes("body")),
            version: try row.int("version"), updatedAt: try row.int("updated_at"))
    }
}
