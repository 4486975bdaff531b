import PortStore

/// A NACCS form as stored.
struct FormRecord: Sendable {
    var dealNumber: String
    var formID: String
    var businessCode: String
    var customID: String
    var creatorOrganization: String
    var items: String
    var version: Int64
    var createdAt: Int64
    var updatedAt: Int64

    init(dealNumber: String, formID: String, businessCode: String, customID: String, creatorOrganization: String,
         items: String, version: Int64, createdAt: Int64, updatedAt: Int64) {
        self.dealNumber = dealNumber
        self.formID = formID
        self.businessCode = businessCode
        self.customID = customID
        self.creatorOrganization = creatorOrganization
        self.items = items
        self.version = version
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    init(row: SQLRow) throws {
        dealNumber = try row.string("deal_number")
        formID = try row.string("form_id")
        businessCode = try row.string("business_code")
        customID = try row.string("custom_id")
        creatorOrganization = try row.string("creator_organization")
        items = try row.string("items")
        version = try row.int("version")
        createdAt = try row.int("created_at")
        updatedAt = try row.int("updated_at")
    }

    var name: String { "deals/\(dealNumber)/naccsForms/\(formID)" }
}

/// Where a send stands, as stored (the proto enum's names).
enum SendState: String, Sendable {
    case queued = "QUEUED"
    case transmitting = "TRANSMITTING"
    case accepted = "ACCEPTED"
    case rejected = "REJECTED"
    case failed = "FAILED"
}

/// A send as stored.
struct SendRecord: Sendable {
    var id: String
    var dealNumber: String
    var formID: String
    var businessCode: String
    var organization: String
    var organizationID: String
    var actor: String
    var credentialID: String
    var requestID: String
    var inputID: String
    var body: [UInt8]
    var state: SendState
    var attempts: Int64
    var nextAttemptAt: Int64
    /// The result codes, 15-character forms separated by commas.
    var resultCodes: String
    var error: String
    var awaitingReport: Bool
    var createdAt: Int64
    var completedAt: Int64?

    static let columns = """
        id, deal_number, form_id, business_code, organization, organization_id, actor, credential_id, request_id, \
        input_id, body, state, attempts, next_attempt_at, result_codes, error, awaiting_report, created_at, completed_at
        """

    init(row: SQLRow) throws {
        id = try row.string("id")
        dealNumber = try row.string("deal_number")
        formID = try row.string("form_id")
        businessCode = try row.string("business_code")
        organization = try row.string("organization")
        organizationID = try row.string("organization_id")
        actor = try row.string("actor")
        credentialID = try row.string("credential_id")
        requestID = try row.string("request_id")
        inputID = try row.string("input_id")
        body = try row.bytes("body")
        state = SendState(rawValue: try row.string("state")) ?? .failed
        attempts = try row.int("attempts")
        nextAttemptAt = try row.int("next_attempt_at")
        resultCodes = try row.string("result_codes")
        error = try row.string("error")
        awaitingReport = try row.bool("awaiting_report")
        createdAt = try row.int("created_at")
        completedAt = try row.optionalInt("completed_at")
    }

    init(id: String, dealNumber: String, formID: String, businessCode: String, organization: String,
         organizationID: String, actor: String, credentialID: String, requestID: String, inputID: String, body: [UInt8],
         createdAt: Int64) {
        self.id = id
        self.dealNumber = dealNumber
        self.formID = formID
        self.businessCode = businessCode
        self.organization = organization
        self.organizationID = organizationID
        self.actor = actor
        self.credentialID = credentialID
        self.requestID = requestID
        self.inputID = inputID
        self.body = body
        state = .queued
        attempts = 0
        nextAttemptAt = createdAt
        resultCodes = ""
        error = ""
        awaitingReport = false
        self.createdAt = createdAt
        completedAt = nil
    }

    var name: String { "deals/\(dealNumber)/naccsSends/\(id)" }
}

/// An output as stored.
struct OutputRecord: Sendable {
    var id: String
    var sendID: String?
    var dealNumber: String
    var businessCode: String
    var organizationID: String
    var credentialID: String
    var mailboxSequence: Int64?
    var outputCode: String
    var kind: String
    var subject: String
    var inputID: String
    var edi: [UInt8]
    var json: String
    var resultCodes: String
    var createdAt: Int64
    var expiresAt: Int64

    static let columns = """
        id, send_id, deal_number, business_code, organization_id, credential_id, mailbox_sequence, output_code, kind, \
        subject, input_id, edi, json, result_codes, created_at, expires_at
        """

    init(id: String, sendID: String?, dealNumber: String, businessCode: String, organizationID: String,
         credentialID: String, mailboxSequence: Int64?, outputCode: String, kind: String, subject: String,
         inputID: String, edi: [UInt8], json: String, resultCodes: String, createdAt: Int64, expiresAt: Int64) {
        self.id = id
        self.sendID = sendID
        self.dealNumber = dealNumber
        self.businessCode = businessCode
        self.organizationID = organizationID
        self.credentialID = credentialID
        self.mailboxSequence = mailboxSequence
        self.outputCode = outputCode
        self.kind = kind
        self.subject = subject
        self.inputID = inputID
        self.edi = edi
        self.json = json
        self.resultCodes = resultCodes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }

    init(row: SQLRow) throws {
        id = try row.string("id")
        sendID = try row.optionalString("send_id")
        dealNumber = try row.string("deal_number")
        businessCode = try row.string("business_code")
        organizationID = try row.string("organization_id")
        credentialID = try row.string("credential_id")
        mailboxSequence = try row.optionalInt("mailbox_sequence")
        outputCode = try row.string("output_code")
        kind = try row.string("kind")
        subject = try row.string("subject")
        inputID = try row.string("input_id")
        edi = try row.bytes("edi")
        json = try row.string("json")
        resultCodes = try row.string("result_codes")
        createdAt = try row.int("created_at")
        expiresAt = try row.int("expires_at")
    }
}

/// The forms table.
struct FormQueries {
    let session: any SQLSession

    func find(deal: String, id: String) throws -> FormRecord? {
        try session.queryOne("SELECT * FROM naccs_forms WHERE deal_number = $1 AND form_id = $2", .text(deal), .text(id))
            .map(FormRecord.init(row:))
    }

    func list(deal: String, codes: Set<String>, after: String?, limit: Int) throws -> [FormRecord] {
        try session.query(
            "SELECT * FROM naccs_forms WHERE deal_number = $1 AND form_id > $2 ORDER BY form_id",
            .text(deal), .text(after ?? "")
        ).map(FormRecord.init(row:)).filter { codes.contains($0.businessCode) }.prefix(limit).map { $0 }
    }

    func insert(_ form: FormRecord) throws {
        try session.execute(
            """
            INSERT INTO naccs_forms (deal_number, form_id, business_code, custom_id, creator_organization, items, version,
              created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            .text(form.dealNumber), .text(form.formID), .text(form.businessCode), .text(form.customID),
            .text(form.creatorOrganization), .text(form.items), .int(form.version), .int(form.createdAt),
            .int(form.updatedAt))
    }

    func update(_ form: FormRecord) throws {
        try session.execute(
            "UPDATE naccs_forms SET items = $3, version = $4, updated_at = $5 WHERE deal_number = $1 AND form_id = $2",
            .text(form.dealNumber), .text(form.formID), .text(form.items), .int(form.version), .int(form.updatedAt))
    }
}

/// The sends table.
struct SendQueries {
    let session: any SQLSession

    func find(_ id: String) throws -> SendRecord? {
        try session.queryOne("SELECT \(SendRecord.columns) FROM naccs_sends WHERE id = $1", .text(id)).map(SendRecord.init(row:))
    }

    func find(organizationID: String, requestID: String) throws -> SendRecord? {
        try session.queryOne(
            "SELECT \(SendRecord.columns) FROM naccs_sends WHERE organization_id = $1 AND request_id = $2",
            .text(organizationID), .text(requestID)
        ).map(SendRecord.init(row:))
    }

    func find(inputID: String) throws -> SendRecord? {
        try session.queryOne("SELECT \(SendRecord.columns) FROM naccs_sends WHERE input_id = $1", .text(inputID))
            .map(SendRecord.init(row:))
    }

    func list(deal: String, codes: Set<String>, after: String?, limit: Int) throws -> [SendRecord] {
        try session.query(
            "SELECT \(SendRecord.columns) FROM naccs_sends WHERE deal_number = $1 AND id > $2 ORDER BY id",
            .text(deal), .text(after ?? "")
        ).map(SendRecord.init(row:)).filter { codes.contains($0.businessCode) }.prefix(limit).map { $0 }
    }

    func insert(_ send: SendRecord) throws {
        try session.execute(
            """
            INSERT INTO naccs_sends (\(SendRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            """,
            .text(send.id), .text(send.dealNumber), .text(send.formID), .text(send.businessCode), .text(send.organization),
            .text(send.organizationID), .text(send.actor), .text(send.credentialID), .text(send.requestID),
            .text(send.inputID), .bytes(send.body), .text(send.state.rawValue), .int(send.attempts),
            .int(send.nextAttemptAt), .text(send.resultCodes), .text(send.error), .bool(send.awaitingReport),
            .int(send.createdAt), .int(send.completedAt))
    }

    /// Writes the mutable columns.
    func update(_ send: SendRecord) throws {
        try session.execute(
            """
            UPDATE naccs_sends SET state = $2, attempts = $3, next_attempt_at = $4, result_codes = $5, error = $6,
              awaiting_report = $7, completed_at = $8 WHERE id = $1
            """,
            .text(send.id), .text(send.state.rawValue), .int(send.attempts), .int(send.nextAttemptAt),
            .text(send.resultCodes), .text(send.error), .bool(send.awaitingReport), .int(send.completedAt))
    }

    /// The oldest send of `credential` that is queued or transmitting (strict order per credential).
    func head(credential: String) throws -> SendRecord? {
        try session.queryOne(
            """
            SELECT \(SendRecord.columns) FROM naccs_sends
            WHERE credential_id = $1 AND state IN ('QUEUED', 'TRANSMITTING') ORDER BY created_at, id LIMIT 1
            """, .text(credential)
        ).map(SendRecord.init(row:))
    }

    /// Sends of `credential` that wait for a later output (a permit) and are younger than `since`.
    func awaitingReports(credential: String, since: Int64) throws -> Int {
        Int(try session.queryOne(
            "SELECT COUNT(*) AS n FROM naccs_sends WHERE credential_id = $1 AND awaiting_report = TRUE AND created_at >= $2",
            .text(credential), .int(since))?.int("n") ?? 0)
    }

    func openCount(credential: String) throws -> Int {
        Int(try session.queryOne(
            "SELECT COUNT(*) AS n FROM naccs_sends WHERE credential_id = $1 AND state IN ('QUEUED', 'TRANSMITTING')",
            .text(credential))?.int("n") ?? 0)
    }

    /// Credentials with open sends or sends waiting for later outputs younger than `since`.
    func credentialsWithWork(since: Int64) throws -> [String] {
        try session.query(
            """
            SELECT DISTINCT credential_id FROM naccs_sends
            WHERE state IN ('QUEUED', 'TRANSMITTING') OR (awaiting_report = TRUE AND created_at >= $1)
            """, .int(since)
        ).map { try $0.string("credential_id") }
    }
}

/// The outputs table.
struct OutputQueries {
    let session: any SQLSession

    func find(_ id: String) throws -> OutputRecord? {
        try session.queryOne("SELECT \(OutputRecord.columns) FROM naccs_outputs WHERE id = $1", .text(id))
            .map(OutputRecord.init(row:))
    }

    func exists(credential: String, sequence: Int64) throws -> Bool {
        try session.queryOne(
            "SELECT id FROM naccs_outputs WHERE credential_id = $1 AND mailbox_sequence = $2", .text(credential),
            .int(sequence)) != nil
    }

    func insert(_ output: OutputRecord) throws {
        try session.execute(
            """
            INSERT INTO naccs_outputs (\(OutputRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """,
            .text(output.id), .text(output.sendID), .text(output.dealNumber), .text(output.businessCode),
            .text(output.organizationID), .text(output.credentialID), .int(output.mailboxSequence), .text(output.outputCode),
            .text(output.kind), .text(output.subject), .text(output.inputID), .bytes(output.edi), .text(output.json),
            .text(output.resultCodes), .int(output.createdAt), .int(output.expiresAt))
    }

    func ids(send: String) throws -> [String] {
        try session.query("SELECT id FROM naccs_outputs WHERE send_id = $1 ORDER BY id", .text(send)).map { try $0.string("id") }
    }

    /// The result notice stored for input `inputID`, if any.
    func resultNotice(inputID: String) throws -> OutputRecord? {
        try session.queryOne(
            "SELECT \(OutputRecord.columns) FROM naccs_outputs WHERE input_id = $1 AND kind = 'R' ORDER BY id LIMIT 1",
            .text(inputID)
        ).map(OutputRecord.init(row:))
    }

    func list(deal: String, codes: Set<String>, after: String?, limit: Int, now: Int64) throws -> [OutputRecord] {
        try session.query(
            """
            SELECT \(OutputRecord.columns) FROM naccs_outputs
            WHERE deal_number = $1 AND id > $2 AND expires_at > $3 ORDER BY id
            """, .text(deal), .text(after ?? ""), .int(now)
        ).map(OutputRecord.init(row:)).filter { codes.contains($0.businessCode) }.prefix(limit).map { $0 }
    }

    /// Deletes outputs past their retention; returns how many.
    func prune(now: Int64) throws -> Int {
        try session.execute("DELETE FROM naccs_outputs WHERE expires_at <= $1", .int(now))
    }
}
