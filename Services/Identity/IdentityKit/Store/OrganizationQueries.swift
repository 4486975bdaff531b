import PortStore

/// Reads and writes of organizations.
struct OrganizationQueries {
    let session: any SQLSession

    func find(_ name: OrganizationName) throws -> OrganizationRecord? {
        try session.queryOne(
            "SELECT \(OrganizationRecord.columns) FROM organizations WHERE id = $1 AND company_id = $2",
            [.text(name.organization), .text(name.company)]
        ).map(OrganizationRecord.init(row:))
    }

    func list(company: String, includeDisabled: Bool, after: String?, limit: Int) throws -> [OrganizationRecord] {
        let filter = includeDisabled ? "" : " AND enabled = $3"
        var binds: [SQLValue] = [.text(company), .text(after ?? "")]
        if !includeDisabled { binds.append(.bool(true)) }
        return try session.query(
            "SELECT \(OrganizationRecord.columns) FROM organizations WHERE company_id = $1 AND id > $2\(filter) ORDER BY id LIMIT \(limit)",
            binds
        ).map(OrganizationRecord.init(row:))
    }

    /// Enabled, searchable organizations of approved companies matching the query and business type. `text` is a LIKE
    /// pattern fragment in which a backslash escapes '%', '_' and itself.
    func search(text: String, businessType: String?, after: String?, limit: Int) throws -> [(OrganizationRecord, CompanyRecord)] {
        var sql = """
            SELECT o.id, o.company_id, o.display_name, o.business_types, o.searchable, o.enabled, o.managed_ports,
              o.version, o.created_at, o.updated_at, c.legal_name_ja, c.legal_name_en
            FROM organizations o JOIN companies c ON c.id = o.company_id
            WHERE o.searchable = $1 AND o.enabled = $1 AND c.status = 'approved' AND o.id > $2
            """
        var binds: [SQLValue] = [.bool(true), .text(after ?? "")]
        if !text.isEmpty {
            binds.append(.text("%" + text.lowercased() + "%"))
            let index = binds.count
            sql += " AND (LOWER(c.legal_name_ja) LIKE $\(index) ESCAPE '\\' OR LOWER(c.legal_name_en) LIKE $\(index) ESCAPE '\\'"
                + " OR LOWER(o.display_name) LIKE $\(index) ESCAPE '\\')"
        }
        if let businessType {
            binds.append(.text(KeyList.pattern(businessType)))
            sql += " AND o.business_types LIKE $\(binds.count)"
        }
        sql += " ORDER BY o.id LIMIT \(limit)"
        return try session.query(sql, binds).map { row in
            let organization = try OrganizationRecord(row: row)
            var company = CompanyRecord(id: organization.companyID, kind: "business", status: "approved", now: 0)
            company.legalNameJa = try row.string("legal_name_ja")
            company.legalNameEn = try row.string("legal_name_en")
            return (organization, company)
        }
    }

    func insert(_ organization: OrganizationRecord) throws {
        try session.execute(
            """
            INSERT INTO organizations (\(OrganizationRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                .text(organization.id), .text(organization.companyID), .text(organization.displayName),
                .text(KeyList.encode(organization.businessTypes)), .bool(organization.searchable),
                .bool(organization.enabled), .text(KeyList.encode(organization.managedPorts)),
                .int(organization.version), .int(organization.createdAt), .int(organization.updatedAt),
            ])
    }

    func update(_ organization: OrganizationRecord) throws {
        try session.execute(
            """
            UPDATE organizations SET display_name = $2, business_types = $3, searchable = $4, enabled = $5,
              managed_ports = $6, version = $7, updated_at = $8
            WHERE id = $1
            """,
            [
                .text(organization.id), .text(organization.displayName),
                .text(KeyList.encode(organization.businessTypes)), .bool(organization.searchable),
                .bool(organization.enabled), .text(KeyList.encode(organization.managedPorts)),
                .int(organization.version), .int(organization.updatedAt),
            ])
    }
}
