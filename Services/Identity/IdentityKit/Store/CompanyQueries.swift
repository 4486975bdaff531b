import PortStore

/// Reads and writes of companies and their business-type applications, inside one transaction.
struct CompanyQueries {
    let session: any SQLSession

    func find(_ id: String) throws -> CompanyRecord? {
        guard let row = try session.queryOne("SELECT \(CompanyRecord.columns) FROM companies WHERE id = $1", [.text(id)]) else {
            return nil
        }
        var company = try CompanyRecord(row: row)
        company.applications = try applications(of: id)
        return company
    }

    func findByVgmNumber(_ number: String) throws -> CompanyRecord? {
        guard let row = try session.queryOne(
            "SELECT \(CompanyRecord.columns) FROM companies WHERE vgm_notification_number = $1 OR vgm_registration_number = $1",
            [.text(number)])
        else { return nil }
        var company = try CompanyRecord(row: row)
        company.applications = try applications(of: company.id)
        return company
    }

    func applications(of id: String) throws -> [BusinessTypeApplicationRecord] {
        Self.catalogOrder(try session.query(
            "SELECT business_type, evidence_document, status, applied_at, decided_at FROM company_business_types WHERE company_id = $1",
            [.text(id)]
        ).map(BusinessTypeApplicationRecord.init(row:)))
    }

    /// Applications in business-type catalogue order.
    static func catalogOrder(_ applications: [BusinessTypeApplicationRecord]) -> [BusinessTypeApplicationRecord] {
        applications.sorted {
            (BusinessTypeCatalog.id(of: $0.businessType) ?? 99) < (BusinessTypeCatalog.id(of: $1.businessType) ?? 99)
        }
    }

    /// A page of companies ordered by id, optionally of one status.
    func list(status: String?, after: String?, limit: Int) throws -> [CompanyRecord] {
        var sql = "SELECT \(CompanyRecord.columns) FROM companies WHERE id > $1"
        var binds: [SQLValue] = [.text(after ?? "")]
        if let status {
            sql += " AND status = $2"
            binds.append(.text(status))
        }
        sql += " ORDER BY id LIMIT \(limit)"
        var companies = try session.query(sql, binds).map(CompanyRecord.init(row:))
        guard let first = companies.first?.id, let last = companies.last?.id else { return companies }
        // The page's applications in one query (ids are ordered, so the page is the range first…last).
        var byCompany: [String: [BusinessTypeApplicationRecord]] = [:]
        for row in try session.query(
            """
            SELECT company_id, business_type, evidence_document, status, applied_at, decided_at
            FROM company_business_types WHERE company_id >= $1 AND company_id <= $2
            """, [.text(first), .text(last)])
        {
            byCompany[try row.string("company_id"), default: []].append(try BusinessTypeApplicationRecord(row: row))
        }
        for index in companies.indices {
            companies[index].applications = Self.catalogOrder(byCompany[companies[index].id] ?? [])
        }
        return companies
    }

    func insert(_ company: CompanyRecord) throws {
        try session.execute(
            """
            INSERT INTO companies (\(CompanyRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
            """,
            [
                .text(company.id), .text(company.kind), .text(company.status), .text(company.legalNameJa),
                .text(company.legalNameEn), optional(company.corporateNumber), .text(company.postalCode),
                .text(company.addressLine), .text(company.countryCode), .text(company.contactName),
                .text(company.contactEmail), .text(company.contactPhone), optional(company.vgmNotificationNumber),
                optional(company.vgmRegistrationNumber), .text(company.statusReason), .int(company.version),
                .int(company.createdAt), .int(company.updatedAt),
            ])
        for application in company.applications { try insert(application, company: company.id) }
    }

    func insert(_ application: BusinessTypeApplicationRecord, company: String) throws {
        try session.execute(
            """
            INSERT INTO company_business_types (company_id, business_type, evidence_document, status, applied_at, decided_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(company), .text(application.businessType), .text(application.evidenceDocument),
                .text(application.status), .int(application.appliedAt), application.decidedAt.map(SQLValue.int) ?? .null,
            ])
    }

    /// Writes every column and the applications; bumps the version (the caller checked the etag).
    func update(_ company: CompanyRecord) throws {
        try session.execute(
            """
            UPDATE companies SET status = $2, legal_name_ja = $3, legal_name_en = $4, postal_code = $5,
              address_line = $6, country_code = $7, contact_name = $8, contact_email = $9, contact_phone = $10,
              vgm_notification_number = $11, vgm_registration_number = $12, status_reason = $13, version = $14,
              updated_at = $15
            WHERE id = $1
            """,
            [
                .text(company.id), .text(company.status), .text(company.legalNameJa), .text(company.legalNameEn),
                .text(company.postalCode), .text(company.addressLine), .text(company.countryCode),
                .text(company.contactName), .text(company.contactEmail), .text(company.contactPhone),
                optional(company.vgmNotificationNumber), optional(company.vgmRegistrationNumber),
                .text(company.statusReason), .int(company.version), .int(company.updatedAt),
            ])
        try session.execute("DELETE FROM company_business_types WHERE company_id = $1", [.text(company.id)])
        for application in company.applications { try insert(application, company: company.id) }
    }

    func corporateNumberExists(_ number: String) throws -> Bool {
        try session.queryOne("SELECT id FROM companies WHERE corporate_number = $1", [.text(number)]) != nil
    }

    func vgmNumberInUse(_ number: String, except company: String?) throws -> Bool {
        try session.queryOne(
            "SELECT id FROM companies WHERE (vgm_notification_number = $1 OR vgm_registration_number = $1) AND id <> $2",
            [.text(number), .text(company ?? "")]) != nil
    }
}

func optional(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
func optional(_ number: Int64?) -> SQLValue { number.map(SQLValue.int) ?? .null }
