import PortProtocol
import PortServiceKit
import PortStore

/// A stored facility: the Facility as written (history and attachments included) plus the columns queries use and the
/// grade kept up to date by inspections.
struct FacilityRecord: Sendable {
    var id: String
    var port: String
    var facility: Cyberport_Stats_V1_Facility
    var performanceGrade: Cyberport_Stats_V1_PerformanceGrade = .unspecified
    /// The date of the inspection that set the grade ("" = none).
    var gradedOn: String = ""
    var lastInspectionDate: String = ""
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    var proto: Cyberport_Stats_V1_Facility {
        var result = facility
        result.name = StatsName.facility(port, id)
        result.port = port
        result.performanceGrade = performanceGrade
        result.lastInspectionDate = lastInspectionDate
        result.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        result.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        result.etag = ETag.make(version)
        return result
    }
}

/// Reads and writes of facilities.
struct FacilityQueries {
    let session: any SQLSession

    private static let columns = """
        id, port, performance_grade, graded_on, last_inspection_date, version, created_at, updated_at, body
        """

    func find(port: String, id: String) throws -> FacilityRecord? {
        try session.queryOne("SELECT \(Self.columns) FROM facilities WHERE id = $1 AND port = $2", [.text(id), .text(port)])
            .map(Self.record)
    }

    func list(port: String, category: String?, after: String?, limit: Int) throws -> [FacilityRecord] {
        var sql = "SELECT \(Self.columns) FROM facilities WHERE port = $1 AND id > $2"
        var binds: [SQLValue] = [.text(port), .text(after ?? "")]
        if let category {
            binds.append(.text(category))
            sql += " AND category = $3"
        }
        sql += " ORDER BY id" + (limit > 0 ? " LIMIT \(limit)" : "")
        return try session.query(sql, binds).map(Self.record)
    }

    func insert(_ record: FacilityRecord) throws {
        try session.execute(
            """
            INSERT INTO facilities (id, port, category, construction_date, performance_grade, graded_on,
              last_inspection_date, version, created_at, updated_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """, Self.binds(record))
    }

    func update(_ record: FacilityRecord) throws {
        try session.execute(
            """
            UPDATE facilities SET category = $3, construction_date = $4, performance_grade = $5, graded_on = $6,
              last_inspection_date = $7, version = $8, updated_at = $10, body = $11
            WHERE id = $1 AND port = $2 AND created_at = $9
            """, Self.binds(record))
    }

    private static func binds(_ record: FacilityRecord) -> [SQLValue] {
        var stored = record.facility
        stored.name = ""
        stored.port = ""
        stored.etag = ""
        stored.performanceGrade = .unspecified
        stored.lastInspectionDate = ""
        stored.createTime = nil
        stored.updateTime = nil
        return [
            .text(record.id), .text(record.port), .text(record.facility.category), .text(record.facility.constructionDate),
            .int(Int64(record.performanceGrade.rawValue)), .text(record.gradedOn), .text(record.lastInspectionDate),
            .int(record.version), .int(record.createdAt), .int(record.updatedAt), .bytes(stored.serializedBytes()),
        ]
    }

    private static func record(_ row: SQLRow) throws -> FacilityRecord {
        FacilityRecord(
            id: try row.string("id"), port: try row.string("port"),
            facility: try Cyberport_Stats_V1_Facility(serializedBytes: try row.bytes("body")),
            performanceGrade: .init(rawValue: Int32(try row.int("performance_grade"))), gradedOn: try row.string("graded_on"),
            lastInspectionDate: try row.string("last_inspection_date"), version: try row.int("version"),
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at"))
    }
}
