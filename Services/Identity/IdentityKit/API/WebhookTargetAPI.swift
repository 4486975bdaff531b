import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Webhook targets of a company. Administrators manage them and never read the secret back; services (Deals,
/// Naccs) read them with the secret to sign deliveries.
struct WebhookTargetAPI: Cyberport_Identity_V1_WebhookTargetServiceProvider {
    let context: IdentityContext
    static let maxTargetsPerCompany = 100

    func createWebhookTarget(
        request: Cyberport_Identity_V1_CreateWebhookTargetRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_WebhookTarget {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let input = request.webhookTarget ?? Cyberport_Identity_V1_WebhookTarget()
        let now = WallClock.nowMicros()
        var target = WebhookTargetRecord(id: ResourceID.generate(now: now), companyID: parent.company, now: now)
        target.displayName = try Validate.text(input.displayName, field: "webhook_target.display_name", max: 150)
        target.url = try Validate.webhookURL(input.url, field: "webhook_target.url")
        target.secretToken = try Self.secret(input.secretToken)
        let organizations = try Self.organizations(input.organizations, company: parent.company)
        let stored = target
        try await context.write { session in
            guard try CompanyQueries(session: session).find(parent.company) != nil else {
                throw APIError.notFound("company", name: parent.description)
            }
            let existing = try session.queryOne(
                "SELECT COUNT(*) AS n FROM webhook_targets WHERE company_id = $1", [.text(parent.company)])?.int("n") ?? 0
            guard existing < Self.maxTargetsPerCompany else {
                throw APIError.make(.resourceExhausted, "\(parent) already has \(existing) webhook targets (the limit)",
                                    reason: "TOO_MANY_WEBHOOK_TARGETS", metadata: ["limit": "\(Self.maxTargetsPerCompany)"])
            }
            var target = stored
            target.organizations = try Self.existing(organizations, session: session)
            try WebhookQueries(session: session).insert(target)
        }
        target.organizations = organizations.map(\.organization)
        return target.proto(revealSecret: false)
    }

    func getWebhookTarget(
        request: Cyberport_Identity_V1_GetWebhookTargetRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_WebhookTarget {
        let caller = try context.caller(serverContext)
        let name = try WebhookTargetName(parsing: request.name, field: "name")
        if !caller.isService { try caller.requireAdministrator(of: name.company) }
        let found = try await context.read { try WebhookQueries(session: $0).find(name) }
        guard let target = found else { throw APIError.notFound("webhook target", name: name.description) }
        return target.proto(revealSecret: caller.isService)
    }

    func listWebhookTargets(
        request: Cyberport_Identity_V1_ListWebhookTargetsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListWebhookTargetsResponse {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        if !caller.isService { try caller.requireAdministrator(of: parent.company) }
        let organization = request.organization.isEmpty
            ? nil : try UserAPI.organization(request.organization, company: parent.company, field: "organization")
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(parent)|\(organization?.description ?? "")")
        let rows = try await context.read { session in
            try WebhookQueries(session: session).list(
                company: parent.company, organization: organization?.organization, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Identity_V1_ListWebhookTargetsResponse()
        response.webhookTargets = page.rows.map { $0.proto(revealSecret: caller.isService) }
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateWebhookTarget(
        request: Cyberport_Identity_V1_UpdateWebhookTargetRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_WebhookTarget {
        let caller = try context.caller(serverContext)
        let input = request.webhookTarget ?? Cyberport_Identity_V1_WebhookTarget()
        let name = try WebhookTargetName(parsing: input.name, field: "webhook_target.name")
        try caller.requireAdministrator(of: name.company)
        let mask = try UpdateMask(request.updateMask, updatable: ["display_name", "url", "secret_token", "organizations"])
        let displayName = mask.contains("display_name")
            ? try Validate.text(input.displayName, field: "webhook_target.display_name", max: 150) : nil
        let url = mask.contains("url") ? try Validate.webhookURL(input.url, field: "webhook_target.url") : nil
        let secret = mask.contains("secret_token") ? try Self.secret(input.secretToken) : nil
        let organizations = mask.contains("organizations") ? try Self.organizations(input.organizations, company: name.company) : nil
        let now = WallClock.nowMicros()
        let target = try await context.write { session -> WebhookTargetRecord in
            let webhooks = WebhookQueries(session: session)
            guard var target = try webhooks.find(name) else { throw APIError.notFound("webhook target", name: name.description) }
            try ETag.check(input.etag, current: target.version, resource: name.description)
            if let displayName { target.displayName = displayName }
            if let url { target.url = url }
            if let secret { target.secretToken = secret }
            if let organizations { target.organizations = try Self.existing(organizations, session: session) }
            target.version += 1
            target.updatedAt = now
            try webhooks.update(target)
            return target
        }
        return target.proto(revealSecret: false)
    }

    func deleteWebhookTarget(
        request: Cyberport_Identity_V1_DeleteWebhookTargetRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_DeleteWebhookTargetResponse {
        let caller = try context.caller(serverContext)
        let name = try WebhookTargetName(parsing: request.name, field: "name")
        try caller.requireAdministrator(of: name.company)
        try await context.write { session in
            let webhooks = WebhookQueries(session: session)
            guard let target = try webhooks.find(name) else { throw APIError.notFound("webhook target", name: name.description) }
            try ETag.check(request.etag, current: target.version, resource: name.description)
            try webhooks.delete(id: target.id)
        }
        return Cyberport_Identity_V1_DeleteWebhookTargetResponse()
    }

    static func secret(_ text: String) throws -> String {
        guard text.utf8.count <= 2048 else {
            throw APIError.invalidArgument(field: "webhook_target.secret_token", "must be at most 2048 bytes")
        }
        return text
    }

    static func organizations(_ names: [String], company: String) throws -> [OrganizationName] {
        var result: [OrganizationName] = []
        for (index, text) in names.enumerated() {
            let name = try UserAPI.organization(text, company: company, field: "webhook_target.organizations[\(index)]")
            if !result.contains(name) { result.append(name) }
        }
        return result
    }

    /// The organization ids, NOT_FOUND for one that does not exist.
    static func existing(_ names: [OrganizationName], session: any SQLSession) throws -> [String] {
        let organizations = OrganizationQueries(session: session)
        for name in names where try organizations.find(name) == nil {
            throw APIError.notFound("organization", name: name.description)
        }
        return names.map(\.organization)
    }
}
