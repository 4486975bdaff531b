import PortStore

/// A stored form: its identity, state and own data (the values of its unbound fields).
struct FormRecord: Sendable {
    static let draft = "DRAFT"
    static let sent = "SENT"

    var dealNumber: String
    /// "UL040", "UL090~MSCU1234565".
    var formID: String
    var formCode: String
    var unitKey: String
    var state: String = FormRecord.draft
    var own = FormContent()
    var creatorOrganization: String
    var creatorOrganizationID: String
    /// The organization that sent it; empty while DRAFT.
    var senderOrganization: String = ""
    var senderOrganizationID: String = ""
    var createdAt: Int64
    var updatedAt: Int64
    var sentAt: Int64?

    var isSent: Bool { state == FormRecord.sent }

    static let columns = """
        deal_number, form_id, form_code, unit_key, state, own_data, creator_organization, creator_organization_id, \
        sender_organization, sender_organization_id, created_at, updated_at, sent_at
        """

    init(dealNumber: String, id: FormID, creator: DealCaller, now: Int64) {
        self.dealNumber = dealNumber
        formID = id.description
        formCode = id.code
        unitKey = id.unitKey
        creatorOrganization = creator.organization
        creatorOrganizationID = creator.organizationID
        createdAt = now
        updatedAt = now
    }

    init(row: SQLRow) throws {
        dealNumber = try row.string("deal_number")
        formID = try row.string("form_id")
        formCode = try row.string("form_code")
        unitKey = try row.string("unit_key")
        state = try row.string("state")
        own = try FormContent(json: try row.string("own_data"))
        creatorOrganization = try row.string("creator_organization")
        creatorOrganizationID = try row.string("creator_organization_id")
        senderOrganization = try row.string("sender_organization")
        senderOrganizationID = try row.string("sender_organization_id")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
        sentAt = try row.optionalInt("sent_at")
    }

    func binds() throws -> [SQLValue] {
        [
            .text(dealNumber), .text(formID), .text(formCode), .text(unitKey), .text(state), .text(try own.json()),
            .text(creatorOrganization), .text(creatorOrganizationID), .text(senderOrganization),
            .text(senderOrganizationID), .int(createdAt), .int(updatedAt), sentAt.map { .int($0) } ?? .null,
        ]
    }
}

/// The root document of a deal as stored.
struct RootRecord: Sendable {
    var document: RootDocument
    /// 0 while the deal has none stored yet.
    var version: Int64
    var updatedAt: Int64?
}

/// An edit lock: `rootPath` of the deal is read-only except through form `formID`.
struct FormLock: Sendable, Hashable {
    var rootPath: String
    var formID: String
}

/// A recipient's first read of a sent form.
struct ReadReceiptRecord: Sendable {
    var formID: String
    var organizationID: String
    var organization: String
    var reader: String
    var readAt: Int64
}

/// Reads and writes of forms, root documents, edit locks and read receipts.
struct FormQueries {
    let session: any SQLSession

    // MARK: Forms

    func form(deal: String, id: String) throws -> FormRecord? {
        try session.queryOne(
            "SELECT \(FormRecord.columns) FROM forms WHERE deal_number = $1 AND form_id = $2", [.text(deal), .text(id)]
        ).map(FormRecord.init(row:))
    }

    /// The forms of `deal` after `after` in form-id order, optionally of one code.
    func forms(deal: String, code: String?, after: String?, limit: Int) throws -> [FormRecord] {
        var sql = "SELECT \(FormRecord.columns) FROM forms WHERE deal_number = $1 AND form_id > $2"
        var binds: [SQLValue] = [.text(deal), .text(after ?? "")]
        if let code {
            binds.append(.text(code))
            sql += " AND form_code = $3"
        }
        sql += " ORDER BY form_id LIMIT \(limit)"
        return try session.query(sql, binds).map(FormRecord.init(row:))
    }

    func insert(_ form: FormRecord) throws {
        try session.execute(
            "INSERT INTO forms (\(FormRecord.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            try form.binds())
    }

    func update(_ form: FormRecord) throws {
        try session.execute(
            """
            UPDATE forms SET state = $5, own_data = $6, sender_organization = $9, sender_organization_id = $10,
              updated_at = $12, sent_at = $13
            WHERE deal_number = $1 AND form_id = $2 AND form_code = $3 AND unit_key = $4 AND creator_organization = $7
              AND creator_organization_id = $8 AND created_at = $11
            """, try form.binds())
    }

    /// Deletes the form with its locks and read receipts.
    func delete(_ form: FormRecord) throws {
        let keys: [SQLValue] = [.text(form.dealNumber), .text(form.formID)]
        try session.execute("DELETE FROM form_locks WHERE deal_number = $1 AND form_id = $2", keys)
        try session.execute("DELETE FROM form_read_receipts WHERE deal_number = $1 AND form_id = $2", keys)
        try session.execute("DELETE FROM forms WHERE deal_number = $1 AND form_id = $2", keys)
    }

    // MARK: Root document

    func root(deal: String) throws -> RootRecord {
        guard
            let row = try session.queryOne(
                "SELECT document, version, updated_at FROM root_documents WHERE deal_number = $1", [.text(deal)])
        else { return RootRecord(document: RootDocument(), version: 0, updatedAt: nil) }
        return RootRecord(
            document: try RootDocument(json: try row.string("document")), version: try row.int("version"),
            updatedAt: try row.int("updated_at"))
    }

    /// Stores `document` as the next version after `previous`.
    func save(root document: RootDocument, deal: String, previous: RootRecord, now: Int64) throws {
        if previous.version == 0 {
            try session.execute(
                "INSERT INTO root_documents (deal_number, document, version, updated_at) VALUES ($1, $2, 1, $3)",
                [.text(deal), .text(try document.json()), .int(now)])
        } else {
            try session.execute(
                "UPDATE root_documents SET document = $2, version = $3, updated_at = $4 WHERE deal_number = $1",
                [.text(deal), .text(try document.json()), .int(previous.version + 1), .int(now)])
        }
    }

    // MARK: Edit locks

    /// The deal's locks by root path.
    func locks(deal: String) throws -> [String: FormLock] {
        var result: [String: FormLock] = [:]
        for row in try session.query("SELECT root_path, form_id FROM form_locks WHERE deal_number = $1", [.text(deal)]) {
            let lock = FormLock(rootPath: try row.string("root_path"), formID: try row.string("form_id"))
            result[lock.rootPath] = lock
        }
        return result
    }

    func lock(deal: String, path: String, formID: String, now: Int64) throws {
        try session.execute(
            "INSERT INTO form_locks (deal_number, root_path, form_id, locked_at) VALUES ($1, $2, $3, $4)",
            [.text(deal), .text(path), .text(formID), .int(now)])
    }

    func unlock(deal: String, path: String, formID: String) throws {
        try session.execute(
            "DELETE FROM form_locks WHERE deal_number = $1 AND root_path = $2 AND form_id = $3",
            [.text(deal), .text(path), .text(formID)])
    }

    func unlockAll(deal: String, formID: String) throws {
        try session.execute(
            "DELETE FROM form_locks WHERE deal_number = $1 AND form_id = $2", [.text(deal), .text(formID)])
    }

    // MARK: Read receipts

    func receipts(deal: String, formID: String) throws -> [ReadReceiptRecord] {
        try session.query(
            """
            SELECT organization_id, organization, reader, read_at FROM form_read_receipts
            WHERE deal_number = $1 AND form_id = $2 ORDER BY read_at, organization_id
            """, [.text(deal), .text(formID)]
        ).map { row in
            ReadReceiptRecord(
                formID: formID, organizationID: try row.string("organization_id"),
                organization: try row.string("organization"), reader: try row.string("reader"),
                readAt: try row.int("read_at"))
        }
    }

    func receipt(deal: String, formID: String, organizationID: String) throws -> ReadReceiptRecord? {
        try receipts(deal: deal, formID: formID).first { $0.organizationID == organizationID }
    }

    func insert(_ receipt: ReadReceiptRecord, deal: String) throws {
        try session.execute(
            """
            INSERT INTO form_read_receipts (deal_number, form_id, organization_id, organization, reader, read_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(deal), .text(receipt.formID), .text(receipt.organizationID), .text(receipt.organization),
                .text(receipt.reader), .int(receipt.readAt),
            ])
    }

    func deleteReceipts(deal: String, formID: String) throws {
        try session.execute(
            "DELETE FROM form_read_receipts WHERE deal_number = $1 AND form_id = $2", [.text(deal), .text(formID)])
    }
}
