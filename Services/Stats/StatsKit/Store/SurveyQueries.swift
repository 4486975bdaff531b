import PortProtocol
import PortServiceKit
import PortStore

/// A stored survey submission (without its lines).
struct SubmissionRecord: Sendable {
    var id: String
    var port: String
    var year: Int
    var month: Int
    var respondentOrganizationID: String
    var respondent: String
    var state: Cyberport_Stats_V1_SubmissionState
    var revision: Int
    var approvedRevision: Int
    var note: String
    var rejectionReason: String = ""
    var version: Int64
    var createdAt: Int64
    var submittedAt: Int64
    var decidedAt: Int64?

    var name: String { StatsName.submission(port, id) }

    /// The message as served; `lines` are the current revision's (nil = without content).
    func proto(lines: SurveyLines?) -> Cyberport_Stats_V1_SurveySubmission {
        var result = Cyberport_Stats_V1_SurveySubmission()
        result.name = name
        result.port = port
        result.year = Int32(year)
        result.month = Int32(month)
        result.respondent = respondent
        result.state = state
        result.revision = Int32(revision)
        result.approvedRevision = Int32(approvedRevision)
        result.content = lines?.proto
        result.note = note
        result.rejectionReason = rejectionReason
        result.createTime = Google_Protobuf_Timestamp(micros: createdAt)
        result.submitTime = Google_Protobuf_Timestamp(micros: submittedAt)
        result.decideTime = decidedAt.protoTimestamp
        result.etag = ETag.make(version)
        return result
    }
}

/// A stored revision's metadata.
struct RevisionRecord: Sendable {
    var revision: Int
    var note: String
    var submittedBy: String
    var submittedAt: Int64
}

/// Filters of ListSurveySubmissions.
struct SubmissionFilter: Sendable {
    var port: String
    /// nil = every respondent (the port authority).
    var respondentOrganizationID: String?
    var year: Int?
    var month: Int?
    var state: Cyberport_Stats_V1_SubmissionState?
}

/// Reads and writes of survey submissions, their revisions and lines.
struct SurveyQueries {
    let session: any SQLSession

    private static let columns = """
        id, port, year, month, respondent_organization_id, respondent, state, revision, approved_revision, note, \
        rejection_reason, version, created_at, submitted_at, decided_at
        """

    func find(port: String, id: String) throws -> SubmissionRecord? {
        try session.queryOne(
            "SELECT \(Self.columns) FROM survey_submissions WHERE id = $1 AND port = $2", [.text(id), .text(port)]
        ).map(Self.record)
    }

    func find(port: String, year: Int, month: Int, respondentOrganizationID: String) throws -> SubmissionRecord? {
        try session.queryOne(
            """
            SELECT \(Self.columns) FROM survey_submissions
            WHERE port = $1 AND year = $2 AND month = $3 AND respondent_organization_id = $4
            """,
            [.text(port), .int(Int64(year)), .int(Int64(month)), .text(respondentOrganizationID)]
        ).map(Self.record)
    }

    func list(_ filter: SubmissionFilter, after: String?, limit: Int) throws -> [SubmissionRecord] {
        var sql = "SELECT \(Self.columns) FROM survey_submissions WHERE port = $1 AND id > $2"
        var binds: [SQLValue] = [.text(filter.port), .text(after ?? "")]
        func add(_ column: String, _ value: SQLValue?) {
            guard let value else { return }
            binds.append(value)
            sql += " AND \(column) = $\(binds.count)"
        }
        add("respondent_organization_id", filter.respondentOrganizationID.map { .text($0) })
        add("year", filter.year.map { .int(Int64($0)) })
        add("month", filter.month.map { .int(Int64($0)) })
        add("state", filter.state.map { .int(Int64($0.rawValue)) })
        sql += " ORDER BY id LIMIT \(limit)"
        return try session.query(sql, binds).map(Self.record)
    }

    func insert(_ record: SubmissionRecord) throws {
        try session.execute(
            """
            INSERT INTO survey_submissions (\(Self.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """, Self.binds(record))
    }

    func update(_ record: SubmissionRecord) throws {
        try session.execute(
            """
            UPDATE survey_submissions SET state = $7, revision = $8, approved_revision = $9, note = $10,
              rejection_reason = $11, version = $12, submitted_at = $14, decided_at = $15
            WHERE id = $1 AND port = $2 AND year = $3 AND month = $4 AND respondent_organization_id = $5
              AND respondent = $6 AND created_at = $13
            """, Self.binds(record))
    }

    // MARK: Revisions

    func insertRevision(submissionID: String, _ revision: RevisionRecord, lines: SurveyLines) throws {
        try session.execute(
            """
            INSERT INTO survey_revisions (submission_id, revision, note, submitted_by, submitted_at)
            VALUES ($1, $2, $3, $4, $5)
            """,
            [
                .text(submissionID), .int(Int64(revision.revision)), .text(revision.note), .text(revision.submittedBy),
                .int(revision.submittedAt),
            ])
        try insertLines(submissionID: submissionID, revision: revision.revision, lines)
    }

    func revisions(submissionID: String, after: Int, limit: Int) throws -> [RevisionRecord] {
        try session.query(
            """
            SELECT revision, note, submitted_by, submitted_at FROM survey_revisions
            WHERE submission_id = $1 AND revision > $2 ORDER BY revision LIMIT \(limit)
            """, [.text(submissionID), .int(Int64(after))]
        ).map { row in
            RevisionRecord(
                revision: Int(try row.int("revision")), note: try row.string("note"),
                submittedBy: try row.string("submitted_by"), submittedAt: try row.int("submitted_at"))
        }
    }

    // MARK: Lines

    private func insertLines(submissionID: String, revision: Int, _ lines: SurveyLines) throws {
        let key: [SQLValue] = [.text(submissionID), .int(Int64(revision))]
        try insertRows(
            "survey_ship_lines", columns: ["ship_class", "trade", "gross_tonnage", "band", "ship_count"],
            lines.ships.enumerated().map { index, line in
                key + [.int(Int64(index)), .int(Int64(line.shipClass)), .int(Int64(line.trade)), .int(line.grossTonnage),
                    .int(Int64(line.band)), .int(line.shipCount)]
            })
        try insertRows(
            "survey_passenger_lines", columns: ["trade", "embarked", "disembarked"],
            lines.passengers.enumerated().map { index, line in
                key + [.int(Int64(index)), .int(Int64(line.trade)), .int(line.embarked), .int(line.disembarked)]
            })
        try insertRows(
            "survey_cargo_lines",
            columns: [
                "commodity_code", "major_class", "form", "direction", "partner_port", "quantity_kind", "quantity",
                "volume_litres", "freight_tons_milli", "containers", "teu", "empty", "chassis",
            ],
            lines.cargo.enumerated().map { index, line in
                key + [
                    .int(Int64(index)), .text(line.commodityCode), .int(Int64(line.majorClass)), .int(Int64(line.form)),
                    .int(Int64(line.direction)), .text(line.partnerPort), .int(line.quantityKind.rawValue),
                    .int(line.quantity), .int(line.volumeLitres), .int(line.freightTonsMilli), .int(line.containers),
                    .int(line.teu), .bool(line.empty), .int(line.chassis),
                ]
            })
        try insertRows(
            "survey_vehicle_lines", columns: ["kind", "direction", "vehicles"],
            lines.vehicles.enumerated().map { index, line in
                key + [.int(Int64(index)), .int(Int64(line.kind)), .int(Int64(line.direction)), .int(line.vehicles)]
            })
    }

    /// Inserts rows (submission_id, revision, line_no, columns…) in multi-row statements of at most 100 rows.
    private func insertRows(_ table: String, columns: [String], _ rows: [[SQLValue]]) throws {
        let width = columns.count + 3
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + 100, rows.count)]
            let placeholders = (0..<batch.count).map { row in
                "(" + (1...width).map { "$\(row * width + $0)" }.joined(separator: ", ") + ")"
            }.joined(separator: ", ")
            try session.execute(
                "INSERT INTO \(table) (submission_id, revision, line_no, \(columns.joined(separator: ", "))) VALUES \(placeholders)",
                Array(batch.joined()))
            start += batch.count
        }
    }

    /// The lines of one revision, in line order.
    func lines(submissionID: String, revision: Int) throws -> SurveyLines {
        let binds: [SQLValue] = [.text(submissionID), .int(Int64(revision))]
        let filter = "WHERE submission_id = $1 AND revision = $2 ORDER BY line_no"
        var lines = SurveyLines()
        lines.ships = try session.query(
            "SELECT ship_class, trade, gross_tonnage, band, ship_count FROM survey_ship_lines \(filter)", binds
        ).map { row in
            ShipLineRecord(
                shipClass: Int32(try row.int("ship_class")), trade: Int32(try row.int("trade")),
                grossTonnage: try row.int("gross_tonnage"), band: Int32(try row.int("band")), shipCount: try row.int("ship_count"))
        }
        lines.passengers = try session.query(
            "SELECT trade, embarked, disembarked FROM survey_passenger_lines \(filter)", binds
        ).map { row in
            PassengerLineRecord(
                trade: Int32(try row.int("trade")), embarked: try row.int("embarked"), disembarked: try row.int("disembarked"))
        }
        lines.cargo = try session.query(
            """
            SELECT commodity_code, major_class, form, direction, partner_port, quantity_kind, quantity, volume_litres,
              freight_tons_milli, containers, teu, empty, chassis FROM survey_cargo_lines \(filter)
            """, binds
        ).map { row in
            CargoLineRecord(
                commodityCode: try row.string("commodity_code"), majorClass: Int(try row.int("major_class")),
                form: Int32(try row.int("form")), direction: Int32(try row.int("direction")),
                partnerPort: try row.string("partner_port"),
                quantityKind: FreightTons.Kind(rawValue: try row.int("quantity_kind")) ?? .freightTons,
                quantity: try row.int("quantity"), volumeLitres: try row.int("volume_litres"),
                freightTonsMilli: try row.int("freight_tons_milli"), containers: try row.int("containers"),
                teu: try row.int("teu"), empty: try row.bool("empty"), chassis: try row.int("chassis"))
        }
        lines.vehicles = try session.query(
            "SELECT kind, direction, vehicles FROM survey_vehicle_lines \(filter)", binds
        ).map { row in
            VehicleLineRecord(kind: Int32(try row.int("kind")), direction: Int32(try row.int("direction")), vehicles: try row.int("vehicles"))
        }
        return lines
    }

    // MARK: Rows

    private static func binds(_ record: SubmissionRecord) -> [SQLValue] {
        [
            .text(record.id), .text(record.port), .int(Int64(record.year)), .int(Int64(record.month)),
            .text(record.respondentOrganizationID), .text(record.respondent), .int(Int64(record.state.rawValue)),
            .int(Int64(record.revision)), .int(Int64(record.approvedRevision)), .text(record.note),
            .text(record.rejectionReason), .int(record.version), .int(record.createdAt), .int(record.submittedAt),
            record.decidedAt.map { .int($0) } ?? .null,
        ]
    }

    private static func record(_ row: SQLRow) throws -> SubmissionRecord {
        SubmissionRecord(
            id: try row.string("id"), port: try row.string("port"), year: Int(try row.int("year")),
            month: Int(try row.int("month")), respondentOrganizationID: try row.string("respondent_organization_id"),
            respondent: try row.string("respondent"),
            state: Cyberport_Stats_V1_SubmissionState(rawValue: Int32(try row.int("state"))),
            revision: Int(try row.int("revision")), approvedRevision: Int(try row.int("approved_revision")),
            note: try row.string("note"), rejectionReason: try row.string("rejection_reason"),
            version: try row.int("version"), createdAt: try row.int("created_at"),
            submittedAt: try row.int("submitted_at"), decidedAt: try row.optionalInt("decided_at"))
    }
}
