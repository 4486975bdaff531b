import PortStore

/// A NACCS credential as stored (the password sealed).
struct CredentialRecord: Sendable {
    var id: String
    var organization: String
    var organizationID: String
    var displayName: String
    var userCode: String
    var identificationNumber: String
    var sealedPassword: [UInt8]
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64
    var mailboxCursor: Int64

    static let columns =
        "id, organization, organization_id, display_name, user_code, identification_number, sealed_password, version, created_at, updated_at, mailbox_cursor"

    init(id: String, organization: String, organizationID: String, displayName: String, userCode: String,
         identificationNumber: String, sealedPassword: [UInt8], version: Int64, createdAt: Int64, updatedAt: Int64,
         mailboxCursor: Int64) {
        self.id = id
        self.organization = organization
        self.organizationID = organizationID
        self.displayName = displayName
        self.userCode = userCode
        self.identificationNumber = identificationNumber
        self.sealedPassword = sealedPassword
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.mailboxCursor = mailboxCursor
    }

    init(row: SQLRow) throws {
        id = try row.string("id")
        organization = try row.string("organization")
        organizationID = try row.string("organization_id")
        displayName = try row.string("display_name")
        userCode = try row.string("user_code")
        identificationNumber = try row.string("identification_number")
        sealedPassword = try row.bytes("sealed_password")
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
        mailboxCursor = try row.int("mailbox_cursor")
    }

    var name: String { "\(organization)/naccsCredentials/\(id)" }
}

/// The credentials table.
struct CredentialQueries {
    let session: any SQLSession

    func find(_ id: String) throws -> CredentialRecord? {
        try session.queryOne("SELECT \(CredentialRecord.columns) FROM naccs_credentials WHERE id = $1", .text(id))
            .map(CredentialRecord.init(row:))
    }

    func list(organizationID: String, after: String?, limit: Int) throws -> [CredentialRecord] {
        try session.query(
            """
            SELECT \(CredentialRecord.columns) FROM naccs_credentials
            WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT $3
            """, .text(organizationID), .text(after ?? ""), .int(Int64(limit))
        ).map(CredentialRecord.init(row:))
    }

    func insert(_ record: CredentialRecord) throws {
        try session.execute(
            """
            INSERT INTO naccs_credentials (\(CredentialRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            .text(record.id), .text(record.organization), .text(record.organizationID), .text(record.displayName),
            .text(record.userCode), .text(record.identificationNumber), .bytes(record.sealedPassword), .int(record.version),
            .int(record.createdAt), .int(record.updatedAt), .int(record.mailboxCursor))
    }

    func update(_ record: CredentialRecord) throws {
        try session.execute(
            "UPDATE naccs_credentials SET display_name = $2, sealed_password = $3, version = $4, updated_at = $5 WHERE id = $1",
            .text(record.id), .text(record.displayName), .bytes(record.sealedPassword), .int(record.version),
            .int(record.updatedAt))
    }

    func delete(_ id: String) throws {
        try session.execute("DELETE FROM naccs_credentials WHERE id = $1", .text(id))
    }

    func exists(userCode: String, identificationNumber: String) throws -> Bool {
        try session.queryOne(
            "SELECT id FROM naccs_credentials WHERE user_code = $1 AND identification_number = $2",
            .text(userCode), .text(identificationNumber)) != nil
    }

    /// Takes or renews the worker lease of credential `id` for `lease` until `expires`; false when another holds it.
    func claim(_ id: String, lease: String, now: Int64, expires: Int64) throws -> Bool {
        try session.execute(
            """
            UPDATE naccs_credentials SET lease_id = $2, lease_expires_at = $4
            WHERE id = $1 AND (lease_id IS NULL OR lease_id = $2 OR lease_expires_at < $3)
            """, .text(id), .text(lease), .int(now), .int(expires)) == 1
    }

    func release(_ id: String, lease: String) throws {
        try session.execute(
            "UPDATE naccs_credentials SET lease_id = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_id = $2",
            .text(id), .text(lease))
    }

    /// Advances the mailbox cursor (never backwards).
    func advanceCursor(_ id: String, to sequence: Int64) throws {
        try session.execute(
            "UPDATE naccs_credentials SET mailbox_cursor = $2 WHERE id = $1 AND mailbox_cursor < $2", .text(id), .int(sequence))
    }
}
