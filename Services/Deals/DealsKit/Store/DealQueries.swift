import PortStore

/// A stored deal.
struct DealRecord: Sendable {
    var dealNumber: String
    var sortKey: String
    var direction: String
    var displayName: String
    var inHouseNumber: String = ""
    var loadType: String = ""
    var forwarderIntermediated = false
    var coastalFeeder = false
    var bookingNumber: String = ""
    var scacCode: String = ""
    var blNumber: String = ""
    var ownerOrganization: String
    var ownerOrganizationID: String
    var ownerBusinessType: String
    var version: Int64 = 1
    var createdAt: Int64
    var updatedAt: Int64

    static let columns = """
        deal_number, sort_key, direction, display_name, in_house_number, load_type, forwarder_intermediated, \
        coastal_feeder, booking_number, scac_code, bl_number, owner_organization, owner_organization_id, \
        owner_business_type, version, created_at, updated_at
        """

    static func columns(prefix: String) -> String {
        columns.split(separator: ",").map { prefix + $0.trimmingPrefix(" ") }.joined(separator: ", ")
    }

    init(
        dealNumber: String, sortKey: String, direction: String, displayName: String, ownerOrganization: String,
        ownerOrganizationID: String, ownerBusinessType: String, now: Int64
    ) {
        self.dealNumber = dealNumber
        self.sortKey = sortKey
        self.direction = direction
        self.displayName = displayName
        self.ownerOrganization = ownerOrganization
        self.ownerOrganizationID = ownerOrganizationID
        self.ownerBusinessType = ownerBusinessType
        self.createdAt = now
        self.updatedAt = now
    }

    init(row: SQLRow) throws {
        dealNumber = try row.string("deal_number")
        sortKey = try row.string("sort_key")
        direction = try row.string("direction")
        displayName = try row.string("display_name")
        inHouseNumber = try row.string("in_house_number")
        loadType = try row.string("load_type")
        forwarderIntermediated = try row.bool("forwarder_intermediated")
        coastalFeeder = try row.bool("coastal_feeder")
        bookingNumber = try row.string("booking_number")
        scacCode = try row.string("scac_code")
        blNumber = try row.optionalString("bl_number") ?? ""
        ownerOrganization = try row.string("owner_organization")
        ownerOrganizationID = try row.string("owner_organization_id")
        ownerBusinessType = try row.string("owner_business_type")
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    var binds: [SQLValue] {
        [
            .text(dealNumber), .text(sortKey), .text(direction), .text(displayName), .text(inHouseNumber),
            .text(loadType), .bool(forwarderIntermediated), .bool(coastalFeeder), .text(bookingNumber),
            .text(scacCode), blNumber.isEmpty ? .null : .text(blNumber), .text(ownerOrganization),
            .text(ownerOrganizationID), .text(ownerBusinessType), .int(version), .int(createdAt), .int(updatedAt),
        ]
    }
}

/// A stored participant with its form overrides (form code → permission).
struct ParticipantRecord: Sendable {
    var dealNumber: String
    var organizationID: String
    var organization: String
    var businessType: String
    var hidden = false
    var isOwner = false
    var addedByOrganizationID: String
    var addedByOrganization: String
    var createdAt: Int64
    var overrides: [String: Permission] = [:]

    static let columns = """
        deal_number, organization_id, organization, business_type, hidden, is_owner, added_by_organization_id, \
        added_by_organization, created_at
        """

    init(
        dealNumber: String, organizationID: String, organization: String, businessType: String,
        addedByOrganizationID: String, addedByOrganization: String, now: Int64
    ) {
        self.dealNumber = dealNumber
        self.organizationID = organizationID
        self.organization = organization
        self.businessType = businessType
        self.addedByOrganizationID = addedByOrganizationID
        self.addedByOrganization = addedByOrganization
        self.createdAt = now
    }

    init(row: SQLRow) throws {
        dealNumber = try row.string("deal_number")
        organizationID = try row.string("organization_id")
        organization = try row.string("organization")
        businessType = try row.string("business_type")
        hidden = try row.bool("hidden")
        isOwner = try row.bool("is_owner")
        addedByOrganizationID = try row.string("added_by_organization_id")
        addedByOrganization = try row.string("added_by_organization")
        createdAt = try row.int("created_at")
    }
}

/// Filters of ListDeals (nil = any).
struct DealFilter: Sendable {
    var direction: String?
    var dealNumber: String?
    var inHouseNumber: String?
    var blNumber: String?
    var bookingNumber: String?
    var scacCode: String?
}

/// Reads and writes of deals and participants.
struct DealQueries {
    let session: any SQLSession

    func find(_ dealNumber: String) throws -> DealRecord? {
        try session.queryOne("SELECT \(DealRecord.columns) FROM deals WHERE deal_number = $1", [.text(dealNumber)])
            .map(DealRecord.init(row:))
    }

    func find(blNumber: String) throws -> DealRecord? {
        try session.queryOne("SELECT \(DealRecord.columns) FROM deals WHERE bl_number = $1", [.text(blNumber)])
            .map(DealRecord.init(row:))
    }

    /// The next deal number of `day` ("yyyyMMdd") for `prefix` ("EXP"/"IMP"); the sequence is shared by both.
    func nextNumber(prefix: String, day: String) throws -> String {
        let last = try session.queryOne("SELECT last_value FROM deal_sequences WHERE day = $1", [.text(day)])?
            .int("last_value")
        let next = (last ?? 0) + 1
        if last == nil {
            try session.execute("INSERT INTO deal_sequences (day, last_value) VALUES ($1, $2)", [.text(day), .int(next)])
        } else {
            try session.execute("UPDATE deal_sequences SET last_value = $2 WHERE day = $1", [.text(day), .int(next)])
        }
        let digits = String(next)
        return "\(prefix)_\(day)_" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    func insert(_ deal: DealRecord) throws {
        try session.execute(
            """
            INSERT INTO deals (\(DealRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            """, deal.binds)
    }

    func update(_ deal: DealRecord) throws {
        try session.execute(
            """
            UPDATE deals SET display_name = $4, in_house_number = $5, load_type = $6, forwarder_intermediated = $7,
              coastal_feeder = $8, booking_number = $9, scac_code = $10, bl_number = $11, version = $15,
              updated_at = $17
            WHERE deal_number = $1 AND sort_key = $2 AND direction = $3 AND owner_organization = $12
              AND owner_organization_id = $13 AND owner_business_type = $14 AND created_at = $16
            """, deal.binds)
    }

    /// The deals `organizationID` takes part in, by creation.
    func list(organizationID: String, filter: DealFilter, after: String?, limit: Int) throws -> [DealRecord] {
        var sql = """
            SELECT \(DealRecord.columns(prefix: "d.")) FROM deals d
            JOIN participants p ON p.deal_number = d.deal_number AND p.organization_id = $1
            WHERE d.sort_key > $2
            """
        var binds: [SQLValue] = [.text(organizationID), .text(after ?? "")]
        func add(_ column: String, _ value: String?) {
            guard let value else { return }
            binds.append(.text(value))
            sql += " AND d.\(column) = $\(binds.count)"
        }
        add("direction", filter.direction)
        add("deal_number", filter.dealNumber)
        add("in_house_number", filter.inHouseNumber)
        add("bl_number", filter.blNumber)
        add("booking_number", filter.bookingNumber)
        add("scac_code", filter.scacCode)
        sql += " ORDER BY d.sort_key LIMIT \(limit)"
        return try session.query(sql, binds).map(DealRecord.init(row:))
    }

    // MARK: Participants

    func participant(deal: String, organizationID: String) throws -> ParticipantRecord? {
        guard
            var record = try session.queryOne(
                "SELECT \(ParticipantRecord.columns) FROM participants WHERE deal_number = $1 AND organization_id = $2",
                [.text(deal), .text(organizationID)]
            ).map(ParticipantRecord.init(row:))
        else { return nil }
        record.overrides = try overrides(deal: deal, organizationID: organizationID)
        return record
    }

    private func overrides(deal: String, organizationID: String) throws -> [String: Permission] {
        var result: [String: Permission] = [:]
        for row in try session.query(
            "SELECT form_code, permission FROM participant_form_overrides WHERE deal_number = $1 AND organization_id = $2",
            [.text(deal), .text(organizationID)])
        {
            if let permission = Permission(rawValue: try row.string("permission")) {
                result[try row.string("form_code")] = permission
            }
        }
        return result
    }

    /// The participants of `deal` by organization id; hidden ones only when `visibleTo` is nil (the owner), or they
    /// are that organization or were added by it.
    func participants(deal: String, visibleTo organizationID: String?, after: String?, limit: Int) throws -> [ParticipantRecord] {
        var sql = "SELECT \(ParticipantRecord.columns) FROM participants WHERE deal_number = $1 AND organization_id > $2"
        var binds: [SQLValue] = [.text(deal), .text(after ?? "")]
        if let organizationID {
            binds.append(.bool(false))
            binds.append(.text(organizationID))
            sql += " AND (hidden = $3 OR organization_id = $4 OR added_by_organization_id = $4)"
        }
        sql += " ORDER BY organization_id LIMIT \(limit)"
        var records = try session.query(sql, binds).map(ParticipantRecord.init(row:))
        for index in records.indices {
            records[index].overrides = try overrides(deal: deal, organizationID: records[index].organizationID)
        }
        return records
    }

    func insert(_ participant: ParticipantRecord) throws {
        try session.execute(
            """
            INSERT INTO participants (\(ParticipantRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            [
                .text(participant.dealNumber), .text(participant.organizationID), .text(participant.organization),
                .text(participant.businessType), .bool(participant.hidden), .bool(participant.isOwner),
                .text(participant.addedByOrganizationID), .text(participant.addedByOrganization),
                .int(participant.createdAt),
            ])
        try writeOverrides(participant)
    }

    func update(_ participant: ParticipantRecord) throws {
        try session.execute(
            "UPDATE participants SET hidden = $3 WHERE deal_number = $1 AND organization_id = $2",
            [.text(participant.dealNumber), .text(participant.organizationID), .bool(participant.hidden)])
        try deleteOverrides(participant)
        try writeOverrides(participant)
    }

    func delete(_ participant: ParticipantRecord) throws {
        try deleteOverrides(participant)
        try session.execute(
            "DELETE FROM participants WHERE deal_number = $1 AND organization_id = $2",
            [.text(participant.dealNumber), .text(participant.organizationID)])
    }

    private func deleteOverrides(_ participant: ParticipantRecord) throws {
        try session.execute(
            "DELETE FROM participant_form_overrides WHERE deal_number = $1 AND organization_id = $2",
            [.text(participant.dealNumber), .text(participant.organizationID)])
    }

    private func writeOverrides(_ participant: ParticipantRecord) throws {
        for (form, permission) in participant.overrides.sorted(by: { $0.key < $1.key }) {
            try session.execute(
                """
                INSERT INTO participant_form_overrides (deal_number, organization_id, form_code, permission)
                VALUES ($1, $2, $3, $4)
                """,
                [.text(participant.dealNumber), .text(participant.organizationID), .text(form), .text(permission.rawValue)])
        }
    }
}
