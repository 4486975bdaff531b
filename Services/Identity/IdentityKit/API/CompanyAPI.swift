import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Company registration, the operator's decisions and company administration.
struct CompanyAPI: Cyberport_Identity_V1_CompanyServiceProvider {
    let context: IdentityContext

    func registerCompany(
        request: Cyberport_Identity_V1_RegisterCompanyRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_RegisterCompanyResponse {
        let company = request.company ?? Cyberport_Identity_V1_Company()
        let names = try CompanyInput.names(company, prefix: "company.")
        let corporateNumber = try Validate.corporateNumber(company.corporateNumber, field: "company.corporate_number")
        let address = try CompanyInput.address(company.address, prefix: "company.")
        let contact = try CompanyInput.contact(company.contact, prefix: "company.")
        let applications = try CompanyInput.applications(company.businessTypes, field: "company.business_types", requireOne: true)
        let vgm = try CompanyInput.vgmNumbers(
            notification: company.vgmNotificationNumber, registration: company.vgmRegistrationNumber,
            types: Set(applications.map(\.key)), existing: (nil, nil), prefix: "company.")
        let admin = try CompanyInput.administrator(request.administrator)
        let organizationName = try Validate.text(
            request.organizationDisplayName.isEmpty ? "本社" : request.organizationDisplayName,
            field: "organization_display_name", max: 200)
        let passwordHash = try await context.passwords.hash(admin.password)
        let now = WallClock.nowMicros()

        var record = CompanyRecord(id: ResourceID.generate(now: now), kind: "business", status: "pending", now: now)
        record.legalNameJa = names.ja
        record.legalNameEn = names.en
        record.corporateNumber = corporateNumber
        (record.postalCode, record.addressLine, record.countryCode) = address
        (record.contactName, record.contactEmail, record.contactPhone) = contact
        (record.vgmNotificationNumber, record.vgmRegistrationNumber) = vgm
        record.applications = BusinessTypeCatalog.ordered(applications.map(\.key)).compactMap { key in
            applications.first { $0.key == key }.map {
                BusinessTypeApplicationRecord(businessType: $0.key, evidenceDocument: $0.evidence, status: "pending", appliedAt: now)
            }
        }
        let organization = OrganizationRecord(
            id: ResourceID.generate(now: now), companyID: record.id, displayName: organizationName, now: now)
        let user = UserRecord(
            id: ResourceID.generate(now: now), companyID: record.id, organizationID: organization.id, email: admin.email,
            displayName: admin.displayName, role: "administrator", state: "active", passwordHash: passwordHash, now: now)
        return try await register(record, organization, user, event: "company registered")
    }

    func registerPublicBody(
        request: Cyberport_Identity_V1_RegisterPublicBodyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_RegisterCompanyResponse {
        try context.caller(serverContext).requireOperator("register public bodies")
        let company = request.company ?? Cyberport_Identity_V1_Company()
        let names = try CompanyInput.names(company, prefix: "company.")
        let corporateNumber = company.corporateNumber.isEmpty
            ? nil : try Validate.corporateNumber(company.corporateNumber, field: "company.corporate_number")
        let address = try CompanyInput.address(company.address, prefix: "company.")
        let contact = try CompanyInput.contact(company.contact, prefix: "company.")
        let admin = try CompanyInput.administrator(request.administrator)
        let organizationName = try Validate.text(request.organizationDisplayName, field: "organization_display_name", max: 200)
        guard !request.managedPorts.isEmpty else {
            throw APIError.invalidArgument(field: "managed_ports", "list at least one port (UN/LOCODE)", reason: "REQUIRED_FIELD")
        }
        let ports = try OrganizationInput.ports(request.managedPorts, field: "managed_ports")
        let passwordHash = try await context.passwords.hash(admin.password)
        let now = WallClock.nowMicros()
        var record = CompanyRecord(id: ResourceID.generate(now: now), kind: "public_body", status: "approved", now: now)
        record.legalNameJa = names.ja
        record.legalNameEn = names.en
        record.corporateNumber = corporateNumber
        (record.postalCode, record.addressLine, record.countryCode) = address
        (record.contactName, record.contactEmail, record.contactPhone) = contact
        var organization = OrganizationRecord(
            id: ResourceID.generate(now: now), companyID: record.id, displayName: organizationName, now: now)
        organization.managedPorts = ports
        let user = UserRecord(
            id: ResourceID.generate(now: now), companyID: record.id, organizationID: organization.id, email: admin.email,
            displayName: admin.displayName, role: "administrator", state: "active", passwordHash: passwordHash, now: now)
        return try await register(record, organization, user, event: "public body registered")
    }

    func getCompany(
        request: Cyberport_Identity_V1_GetCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        let caller = try context.caller(serverContext)
        let name = try CompanyName(parsing: request.name, field: "name")
        try caller.requireMember(of: name.company)
        let found = try await context.read { try CompanyQueries(session: $0).find(name.company) }
        guard let company = found else { throw APIError.notFound("company", name: name.description) }
        return company.proto
    }

    func listCompanies(
        request: Cyberport_Identity_V1_ListCompaniesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListCompaniesResponse {
        try context.caller(serverContext).requireOperator("list companies")
        let status = Codes.companyStatusText(request.status)
        if status == nil && request.status != .unspecified {
            throw APIError.invalidArgument(field: "status", "unknown status \(request.status.rawValue)")
        }
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "status=\(status ?? "")")
        let rows = try await context.read {
            try CompanyQueries(session: $0).list(status: status, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Identity_V1_ListCompaniesResponse()
        response.companies = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateCompany(
        request: Cyberport_Identity_V1_UpdateCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        let caller = try context.caller(serverContext)
        let input = request.company ?? Cyberport_Identity_V1_Company()
        let name = try CompanyName(parsing: input.name, field: "company.name")
        try caller.requireAdministrator(of: name.company)
        let mask = try UpdateMask(
            request.updateMask,
            updatable: ["legal_name_ja", "legal_name_en", "address", "contact", "vgm_notification_number", "vgm_registration_number"])
        let legalNameJa = mask.contains("legal_name_ja") ? try Validate.text(input.legalNameJa, field: "company.legal_name_ja", max: 200) : nil
        let legalNameEn = mask.contains("legal_name_en") ? try Validate.text(input.legalNameEn, field: "company.legal_name_en", max: 200) : nil
        let address = mask.contains("address") ? try CompanyInput.address(input.address, prefix: "company.") : nil
        let contact = mask.contains("contact") ? try CompanyInput.contact(input.contact, prefix: "company.") : nil
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let companies = CompanyQueries(session: session)
            guard var company = try companies.find(name.company) else {
                throw APIError.notFound("company", name: name.description)
            }
            try ETag.check(input.etag, current: company.version, resource: name.description)
            if let legalNameJa { company.legalNameJa = legalNameJa }
            if let legalNameEn { company.legalNameEn = legalNameEn }
            if let address { (company.postalCode, company.addressLine, company.countryCode) = address }
            if let contact { (company.contactName, company.contactEmail, company.contactPhone) = contact }
            let types = Set(company.applications.filter { $0.status != "rejected" }.map(\.businessType))
            if mask.contains("vgm_notification_number") {
                company.vgmNotificationNumber = try CompanyInput.vgmNumbers(
                    notification: input.vgmNotificationNumber, registration: "", types: types,
                    existing: (nil, nil), prefix: "company.").notification
            }
            if mask.contains("vgm_registration_number") {
                company.vgmRegistrationNumber = try CompanyInput.vgmNumbers(
                    notification: "", registration: input.vgmRegistrationNumber, types: types,
                    existing: (nil, nil), prefix: "company.").registration
            }
            try Self.checkVgmNumbersFree(company, companies: companies)
            company.version += 1
            company.updatedAt = now
            try companies.update(company)
            return company.proto
        }
    }

    func approveCompany(
        request: Cyberport_Identity_V1_ApproveCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        try context.caller(serverContext).requireOperator("approve companies")
        let name = try CompanyName(parsing: request.name, field: "name")
        let requested = try request.businessTypes.enumerated().map { try Validate.businessType($1, field: "business_types[\($0)]") }
        let now = WallClock.nowMicros()
        let company = try await context.write { session in
            let companies = CompanyQueries(session: session)
            guard var company = try companies.find(name.company) else {
                throw APIError.notFound("company", name: name.description)
            }
            try ETag.check(request.etag, current: company.version, resource: name.description)
            guard company.status == "pending" || company.status == "approved" else {
                throw IdentityErrors.failedPrecondition(
                    "\(name) is \(company.status); only pending companies or pending business types can be approved",
                    reason: "INVALID_STATE")
            }
            let pending = Set(company.applications.filter { $0.status == "pending" }.map(\.businessType))
            for (index, key) in requested.enumerated() where !pending.contains(key) {
                throw APIError.invalidArgument(field: "business_types[\(index)]", "\"\(key)\" is not a pending application of \(name)")
            }
            let approve = requested.isEmpty ? pending : Set(requested)
            guard !pending.isEmpty else {
                throw IdentityErrors.failedPrecondition("\(name) has no pending business types to approve", reason: "NOTHING_TO_APPROVE")
            }
            for index in company.applications.indices where company.applications[index].status == "pending" {
                company.applications[index].status = approve.contains(company.applications[index].businessType) ? "approved" : "rejected"
                company.applications[index].decidedAt = now
            }
            company.status = "approved"
            company.statusReason = ""
            company.version += 1
            company.updatedAt = now
            try companies.update(company)
            // The newly approved types go to the company's first organization, so its administrator can work at once.
            let organizations = OrganizationQueries(session: session)
            if var first = try organizations.list(company: company.id, includeDisabled: true, after: nil, limit: 1).first {
                first.businessTypes = BusinessTypeCatalog.ordered(first.businessTypes + approve)
                first.version += 1
                first.updatedAt = now
                try organizations.update(first)
            }
            return company
        }
        context.logger.info("company approved", metadata: ["company": "\(name)", "businessTypes": "\(company.approvedBusinessTypes)"])
        return company.proto
    }

    func rejectCompany(
        request: Cyberport_Identity_V1_RejectCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        try context.caller(serverContext).requireOperator("reject companies")
        let reason = try Validate.text(request.reason, field: "reason", max: 1000)
        return try await decide(request.name, etag: request.etag, from: ["pending"], to: "rejected", reason: reason)
    }

    func suspendCompany(
        request: Cyberport_Identity_V1_SuspendCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        try context.caller(serverContext).requireOperator("suspend companies")
        let reason = try Validate.text(request.reason, field: "reason", max: 1000)
        return try await decide(request.name, etag: request.etag, from: ["approved"], to: "suspended", reason: reason)
    }

    func reinstateCompany(
        request: Cyberport_Identity_V1_ReinstateCompanyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        try context.caller(serverContext).requireOperator("reinstate companies")
        return try await decide(request.name, etag: request.etag, from: ["suspended"], to: "approved", reason: "")
    }

    func applyForBusinessTypes(
        request: Cyberport_Identity_V1_ApplyForBusinessTypesRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Company {
        let caller = try context.caller(serverContext)
        let name = try CompanyName(parsing: request.name, field: "name")
        try caller.requireAdministrator(of: name.company)
        let applications = try CompanyInput.applications(request.businessTypes, field: "business_types", requireOne: true)
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let companies = CompanyQueries(session: session)
            guard var company = try companies.find(name.company) else {
                throw APIError.notFound("company", name: name.description)
            }
            guard company.kind == "business", company.status == "pending" || company.status == "approved" else {
                throw IdentityErrors.failedPrecondition("\(name) cannot apply for business types now (\(company.status))", reason: "INVALID_STATE")
            }
            for (index, application) in applications.enumerated() {
                if let existing = company.applications.first(where: { $0.businessType == application.key }), existing.status != "rejected" {
                    throw APIError.make(
                        .alreadyExists, "\(name) already holds or applied for \(application.key)", reason: "ALREADY_EXISTS",
                        metadata: ["field": "business_types[\(index)].business_type"])
                }
            }
            let types = Set(applications.map(\.key))
            let vgm = try CompanyInput.vgmNumbers(
                notification: request.vgmNotificationNumber, registration: request.vgmRegistrationNumber,
                types: types.union(company.applications.filter { $0.status != "rejected" }.map(\.businessType)),
                existing: (company.vgmNotificationNumber, company.vgmRegistrationNumber), prefix: "")
            (company.vgmNotificationNumber, company.vgmRegistrationNumber) = vgm
            company.applications.removeAll { types.contains($0.businessType) }
            company.applications += applications.map {
                BusinessTypeApplicationRecord(businessType: $0.key, evidenceDocument: $0.evidence, status: "pending", appliedAt: now)
            }
            try Self.checkVgmNumbersFree(company, companies: companies)
            company.version += 1
            company.updatedAt = now
            try companies.update(company)
            company.applications = try companies.applications(of: company.id)
            return company.proto
        }
    }

    func lookupCompanyByVgmNumber(
        request: Cyberport_Identity_V1_LookupCompanyByVgmNumberRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_CompanyProfile {
        _ = try context.caller(serverContext)
        let number = try Validate.vgmNumber(request.vgmNumber, field: "vgm_number")
        let found = try await context.read { try CompanyQueries(session: $0).findByVgmNumber(number) }
        let approvedTypes = Set(found?.applications.filter { $0.status == "approved" }.map(\.businessType) ?? [])
        let holds = (found?.vgmNotificationNumber == number && approvedTypes.contains("vgmNotification"))
            || (found?.vgmRegistrationNumber == number && approvedTypes.contains("vgmRegistration"))
        guard let company = found, company.status == "approved", holds else {
            throw APIError.make(.notFound, "no approved company holds VGM number \(number)", reason: "NOT_FOUND", metadata: ["vgmNumber": number])
        }
        return company.profile
    }

    private func decide(_ text: String, etag: String, from: Set<String>, to status: String, reason: String) async throws -> Cyberport_Identity_V1_Company {
        let name = try CompanyName(parsing: text, field: "name")
        let now = WallClock.nowMicros()
        let company = try await context.write { session in
            let companies = CompanyQueries(session: session)
            guard var company = try companies.find(name.company) else {
                throw APIError.notFound("company", name: name.description)
            }
            try ETag.check(etag, current: company.version, resource: name.description)
            guard from.contains(company.status), company.kind != "platform" else {
                throw IdentityErrors.failedPrecondition(
                    "\(name) is \(company.status); it must be \(from.sorted().joined(separator: " or ")) to become \(status)",
                    reason: "INVALID_STATE")
            }
            company.status = status
            company.statusReason = reason
            if status == "rejected" {
                for index in company.applications.indices where company.applications[index].status == "pending" {
                    company.applications[index].status = "rejected"
                    company.applications[index].decidedAt = now
                }
            }
            company.version += 1
            company.updatedAt = now
            try companies.update(company)
            return company
        }
        context.logger.notice("company \(status)", metadata: ["company": "\(name)"])
        return company.proto
    }

    /// Stores a new company with its first organization and administrator (ALREADY_EXISTS for a corporate number,
    /// VGM number or e-mail in use).
    private func register(
        _ company: CompanyRecord, _ organization: OrganizationRecord, _ user: UserRecord, event: String
    ) async throws -> Cyberport_Identity_V1_RegisterCompanyResponse {
        try await context.write { session in
            let companies = CompanyQueries(session: session)
            if let number = company.corporateNumber, try companies.corporateNumberExists(number) {
                throw IdentityErrors.alreadyExists("a company with corporate number \(number)", field: "company.corporate_number")
            }
            try Self.checkVgmNumbersFree(company, companies: companies)
            if try UserQueries(session: session).emailExists(user.email) {
                throw IdentityErrors.alreadyExists("a user with e-mail \(user.email)", field: "administrator.email")
            }
            try companies.insert(company)
            try OrganizationQueries(session: session).insert(organization)
            try UserQueries(session: session).insert(user)
        }
        context.logger.info("\(event)", metadata: ["company": "\(company.name)"])
        var response = Cyberport_Identity_V1_RegisterCompanyResponse()
        response.company = company.proto
        response.organization = organization.name.description
        response.administrator = user.name.description
        return response
    }

    static func checkVgmNumbersFree(_ company: CompanyRecord, companies: CompanyQueries) throws {
        if let number = company.vgmNotificationNumber, try companies.vgmNumberInUse(number, except: company.id) {
            throw IdentityErrors.alreadyExists("a company with VGM number \(number)", field: "vgm_notification_number")
        }
        if let number = company.vgmRegistrationNumber, try companies.vgmNumberInUse(number, except: company.id) {
            throw IdentityErrors.alreadyExists("a company with VGM number \(number)", field: "vgm_registration_number")
        }
    }
}
