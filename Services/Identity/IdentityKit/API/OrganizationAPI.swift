import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Organizations of a company, and the search other companies use to find deal partners.
struct OrganizationAPI: Cyberport_Identity_V1_OrganizationServiceProvider {
    let context: IdentityContext

    func createOrganization(
        request: Cyberport_Identity_V1_CreateOrganizationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let input = request.organization ?? Cyberport_Identity_V1_Organization()
        let displayName = try Validate.text(input.displayName, field: "organization.display_name", max: 200)
        let ports = try OrganizationInput.ports(input.managedPorts, field: "organization.managed_ports")
        let now = WallClock.nowMicros()
        let organization = try await context.write { session in
            guard let company = try CompanyQueries(session: session).find(parent.company) else {
                throw APIError.notFound("company", name: parent.description)
            }
            if !ports.isEmpty && company.kind != "public_body" {
                throw APIError.invalidArgument(field: "organization.managed_ports", "only organizations of public bodies manage ports")
            }
            var organization = OrganizationRecord(
                id: ResourceID.generate(now: now), companyID: company.id, displayName: displayName, now: now)
            organization.businessTypes = try OrganizationInput.businessTypes(
                input.businessTypes, field: "organization.business_types", approved: company.approvedBusinessTypes,
                company: company.id)
            organization.searchable = input.searchable
            organization.managedPorts = ports
            try OrganizationQueries(session: session).insert(organization)
            return organization
        }
        context.logger.info("organization created", metadata: ["organization": "\(organization.name)"])
        return organization.proto
    }

    func getOrganization(
        request: Cyberport_Identity_V1_GetOrganizationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        let caller = try context.caller(serverContext)
        let name = try OrganizationName(parsing: request.name, field: "name")
        try caller.requireMember(of: name.company)
        let found = try await context.read { try OrganizationQueries(session: $0).find(name) }
        guard let organization = found else { throw APIError.notFound("organization", name: name.description) }
        return organization.proto
    }

    func listOrganizations(
        request: Cyberport_Identity_V1_ListOrganizationsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListOrganizationsResponse {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireMember(of: parent.company)
        let showDisabled = request.showDisabled
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(parent)|\(showDisabled)")
        let rows = try await context.read { session in
            try OrganizationQueries(session: session).list(
                company: parent.company, includeDisabled: showDisabled, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Identity_V1_ListOrganizationsResponse()
        response.organizations = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateOrganization(
        request: Cyberport_Identity_V1_UpdateOrganizationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        let caller = try context.caller(serverContext)
        let input = request.organization ?? Cyberport_Identity_V1_Organization()
        let name = try OrganizationName(parsing: input.name, field: "organization.name")
        try caller.requireAdministrator(of: name.company)
        let mask = try UpdateMask(request.updateMask, updatable: ["display_name", "business_types", "searchable", "managed_ports"])
        let displayName = mask.contains("display_name")
            ? try Validate.text(input.displayName, field: "organization.display_name", max: 200) : nil
        let ports = mask.contains("managed_ports") ? try OrganizationInput.ports(input.managedPorts, field: "organization.managed_ports") : nil
        let now = WallClock.nowMicros()
        return try await context.write { session in
            let organizations = OrganizationQueries(session: session)
            guard var organization = try organizations.find(name) else {
                throw APIError.notFound("organization", name: name.description)
            }
            try ETag.check(input.etag, current: organization.version, resource: name.description)
            guard let company = try CompanyQueries(session: session).find(name.company) else {
                throw APIError.notFound("company", name: name.companyName.description)
            }
            if let displayName { organization.displayName = displayName }
            if mask.contains("business_types") {
                organization.businessTypes = try OrganizationInput.businessTypes(
                    input.businessTypes, field: "organization.business_types", approved: company.approvedBusinessTypes,
                    company: company.id)
            }
            if mask.contains("searchable") { organization.searchable = input.searchable }
            if let ports {
                if !ports.isEmpty && company.kind != "public_body" {
                    throw APIError.invalidArgument(field: "organization.managed_ports", "only organizations of public bodies manage ports")
                }
                organization.managedPorts = ports
            }
            organization.version += 1
            organization.updatedAt = now
            try organizations.update(organization)
            return organization.proto
        }
    }

    func disableOrganization(
        request: Cyberport_Identity_V1_DisableOrganizationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        try await setEnabled(false, name: request.name, etag: request.etag, serverContext: serverContext)
    }

    func enableOrganization(
        request: Cyberport_Identity_V1_EnableOrganizationRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        try await setEnabled(true, name: request.name, etag: request.etag, serverContext: serverContext)
    }

    func searchOrganizations(
        request: Cyberport_Identity_V1_SearchOrganizationsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_SearchOrganizationsResponse {
        _ = try context.caller(serverContext)
        let text = try Validate.text(request.query, field: "query", max: 100, required: false)
        let businessType = request.businessType.isEmpty ? nil : try Validate.businessType(request.businessType, field: "business_type")
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(text)|\(businessType ?? "")")
        // LIKE wildcards in the query match themselves (the store's LIKE uses '\' as its escape character).
        let escaped = text.replacing("\\", with: "\\\\").replacing("%", with: "\\%").replacing("_", with: "\\_")
        let rows = try await context.read { session in
            try OrganizationQueries(session: session).search(
                text: escaped, businessType: businessType, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: { $0.0.id })
        var response = Cyberport_Identity_V1_SearchOrganizationsResponse()
        response.organizations = page.rows.map { organization, company in
            var summary = Cyberport_Identity_V1_OrganizationSummary()
            summary.name = organization.name.description
            summary.displayName = organization.displayName
            summary.company = company.name.description
            summary.companyLegalNameJa = company.legalNameJa
            summary.companyLegalNameEn = company.legalNameEn
            summary.businessTypes = organization.businessTypes
            return summary
        }
        response.nextPageToken = page.nextPageToken
        return response
    }

    private func setEnabled(
        _ enabled: Bool, name text: String, etag: String, serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Organization {
        let caller = try context.caller(serverContext)
        let name = try OrganizationName(parsing: text, field: "name")
        try caller.requireAdministrator(of: name.company)
        let now = WallClock.nowMicros()
        let organization = try await context.write { session in
            let organizations = OrganizationQueries(session: session)
            guard var organization = try organizations.find(name) else {
                throw APIError.notFound("organization", name: name.description)
            }
            try ETag.check(etag, current: organization.version, resource: name.description)
            guard organization.enabled != enabled else { return organization }
            if !enabled {
                // Never lock the company out: some enabled administrator must remain outside this organization.
                let remaining = try session.queryOne(
                    """
                    SELECT COUNT(*) AS n FROM users u JOIN organizations o ON o.id = u.organization_id
                    WHERE u.company_id = $1 AND u.role = 'administrator' AND u.state <> 'disabled'
                      AND o.enabled = $2 AND o.id <> $3
                    """,
                    [.text(name.company), .bool(true), .text(name.organization)])?.int("n") ?? 0
                if remaining == 0 {
                    throw IdentityErrors.failedPrecondition(
                        "disabling \(name) would leave companies/\(name.company) without an administrator who can log in",
                        reason: "LAST_ADMINISTRATOR")
                }
            }
            organization.enabled = enabled
            organization.version += 1
            organization.updatedAt = now
            try organizations.update(organization)
            return organization
        }
        context.logger.info(enabled ? "organization enabled" : "organization disabled", metadata: ["organization": "\(name)"])
        return organization.proto
    }
}
