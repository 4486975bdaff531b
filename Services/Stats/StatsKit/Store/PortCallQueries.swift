import PortProtocol
import PortServiceKit
import PortStore

/// A stored arrival or departure report: the report as filed (without its output fields) and the columns lists
/// filter on.
struct PortCallRecord: Sendable {
    var id: String
    var port: String
    var report: Cyberport_Stats_V1_PortCallReport
    var filerOrganizationID: String
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    var kind: Cyberport_Stats_V1_PortCallKind { report.kind }
    var state: Cyberport_Stats_V1_PortCallState { report.state }
    var eventTime: Int64 { report.eventTime?.micros ?? 0 }

    /// The keyset of lists: event time (zero-padded) and id.
    var sortKey: String { PortCallQueries.sortKey(eventTime: eventTime, id: id) }

    var proto: Cyberport_Stats_V1_PortCallReport {
        var result = report
        result.name = StatsName.portCallReport(port, id)
        result.port = port
        result.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        result.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        result.etag = ETag.make(version)
        return result
    }
}

/// Filters of ListPortCallReports.
struct PortCallFilter: Sendable {
    var port: String
    /// nil = every filer (the port authority).
    var filerOrganizationID: String?
    var start: Int64?
    var end: Int64?
    var kind: Cyberport_Stats_V1_PortCallKind?
    var showCancelled = false
}

/// Reads and writes of arrival and departure reports.
struct PortCallQueries {
    let session: any SQLSession

    private static let columns = "id, port, filer_organization_id, version, created_at, updated_at, body"

    static func sortKey(eventTime: Int64, id: String) -> String {
        let digits = String(max(0, eventTime))
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "|" + id
    }

    func find(port: String, id: String) throws -> PortCallRecord? {
        try session.queryOne(
            "SELECT \(Self.columns) FROM port_call_reports WHERE id = $1 AND port = $2", [.text(id), .text(port)]
        ).map(Self.record)
    }

    func list(_ filter: PortCallFilter, after: String?, limit: Int) throws -> [PortCallRecord] {
        var sql = "SELECT \(Self.columns) FROM port_call_reports WHERE port = $1"
        var binds: [SQLValue] = [.text(filter.port)]
        func bind(_ value: SQLValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let filer = filter.filerOrganizationID { sql += " AND filer_organization_id = \(bind(.text(filer)))" }
        if let start = filter.start { sql += " AND event_time >= \(bind(.int(start)))" }
        if let end = filter.end { sql += " AND event_time < \(bind(.int(end)))" }
        if let kind = filter.kind { sql += " AND kind = \(bind(.int(Int64(kind.rawValue))))" }
        if !filter.showCancelled {
            sql += " AND state <> \(bind(.int(Int64(Cyberport_Stats_V1_PortCallState.cancelled.rawValue))))"
        }
        if let after, let separator = after.firstIndex(of: "|"), let time = Int64(after[..<separator]) {
            let id = String(after[after.index(after: separator)...])
            let timeBind = bind(.int(time))
            sql += " AND (event_time > \(timeBind) OR (event_time = \(timeBind) AND id > \(bind(.text(id)))))"
        }
        sql += " ORDER BY event_time, id LIMIT \(limit)"
        return try session.query(sql, binds).map(Self.record)
    }

    func insert(_ record: PortCallRecord) throws {
        try session.execute(
            """
            INSERT INTO port_call_reports
              (id, port, kind, event_time, filer_organization_id, state, version, created_at, updated_at, body)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(record.id), .text(record.port), .int(Int64(record.kind.rawValue)), .int(record.eventTime),
                .text(record.filerOrganizationID), .int(Int64(record.state.rawValue)), .int(record.version),
                .int(record.createdAt), .int(record.updatedAt), .bytes(Self.body(record.report)),
            ])
    }

    func update(_ record: PortCallRecord) throws {
        try session.execute(
            """
            UPDATE port_call_reports SET event_time = $3, state = $4, version = $5, updated_at = $6, body = $7
            WHERE id = $1 AND port = $2
            """,
            [
                .text(record.id), .text(record.port), .int(record.eventTime), .int(Int64(record.state.rawValue)),
                .int(record.version), .int(record.updatedAt), .bytes(Self.body(record.report)),
            ])
    }

    private static func body(_ report: Cyberport_Stats_V1_PortCallReport) -> [UInt8] {
        var stored = report
        stored.name = ""
        stored.port = ""
        stored.etag = ""
        stored.createTime = nil
        stored.updateTime = nil
        return stored.serializedBytes()
    }

    private static func record(_ row: SQLRow) throws -> PortCallRecord {
        PortCallRecord(
            id: try row.string("id"), port: try row.string("port"),
            report: try Cyberport_Stats_V1_PortCallReport(serializedBytes: try row.bytes("body")),
            filerOrganizationID: try row.string("filer_organization_id"), version: try row.int("version"),
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at"))
    }
}
