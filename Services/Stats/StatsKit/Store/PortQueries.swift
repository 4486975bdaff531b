import PortProtocol
import PortServiceKit
import PortStore

/// A stored port: the Port message (with its output fields) and its version.
struct PortRecord: Sendable {
    var port: Cyberport_Stats_V1_Port
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    var surveyClass: Cyberport_Stats_V1_SurveyClass { port.surveyClass }

    /// The message as served: name, times and etag filled in.
    var proto: Cyberport_Stats_V1_Port {
        var result = port
        result.name = StatsName.portName(port.locode)
        result.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        result.updateTime = Google_Protobuf_Timestamp(micros: updatedAt)
        result.etag = ETag.make(version)
        return result
    }
}

/// Reads and writes of ports.
struct PortQueries {
    let session: any SQLSession

    func find(_ locode: String) throws -> PortRecord? {
        try session.queryOne(
            "SELECT locode, version, created_at, updated_at, body FROM ports WHERE locode = $1", [.text(locode)]
        ).map(Self.record)
    }

    func list(after: String?, limit: Int) throws -> [PortRecord] {
        try session.query(
            "SELECT locode, version, created_at, updated_at, body FROM ports WHERE locode > $1 ORDER BY locode LIMIT \(limit)",
            [.text(after ?? "")]
        ).map(Self.record)
    }

    func insert(_ record: PortRecord) throws {
        try session.execute(
            """
            INSERT INTO ports (locode, survey_class, version, created_at, updated_at, body)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(record.port.locode), .int(Int64(record.surveyClass.rawValue)), .int(record.version),
                .int(record.createdAt), .int(record.updatedAt), .bytes(Self.body(record.port)),
            ])
    }

    func update(_ record: PortRecord) throws {
        try session.execute(
            "UPDATE ports SET survey_class = $2, version = $3, updated_at = $4, body = $5 WHERE locode = $1",
            [
                .text(record.port.locode), .int(Int64(record.surveyClass.rawValue)), .int(record.version),
                .int(record.updatedAt), .bytes(Self.body(record.port)),
            ])
    }

    private static func body(_ port: Cyberport_Stats_V1_Port) -> [UInt8] {
        var stored = port
        stored.name = ""
        stored.etag = ""
        stored.createTime = nil
        stored.updateTime = nil
        return stored.serializedBytes()
    }

    private static func record(_ row: SQLRow) throws -> PortRecord {
        PortRecord(
            port: try Cyberport_Stats_V1_Port(serializedBytes: try row.bytes("body")), version: try row.int("version"),
            createdAt: try row.int("created_at"), updatedAt: try row.int("updated_at"))
    }
}
