import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// API keys of organizations (system-to-system integration) and service credentials.
struct ApiKeyAPI: Cyberport_Identity_V1_ApiKeyServiceProvider {
    let context: IdentityContext

    func createApiKey(
        request: Cyberport_Identity_V1_CreateApiKeyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_CreateApiKeyResponse {
        let caller = try context.caller(serverContext)
        let parent = try OrganizationName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let input = request.apiKey ?? Cyberport_Identity_V1_ApiKey()
        let displayName = try Validate.text(input.displayName, field: "api_key.display_name", max: 100)
        var serviceName: String?
        if !input.serviceName.isEmpty {
            try caller.requireOperator("create service credentials")
            let name = input.serviceName
            guard (1...40).contains(name.utf8.count),
                name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 })
            else {
                throw APIError.invalidArgument(field: "api_key.service_name", "must be 1–40 lowercase letters, digits or '-'")
            }
            serviceName = name
        }
        let now = WallClock.nowMicros()
        var expiresAt: Int64?
        if let expiry = input.expireTime {
            guard expiry.micros > now else {
                throw APIError.invalidArgument(field: "api_key.expire_time", "must be in the future")
            }
            expiresAt = expiry.micros
        }
        let id = ResourceID.generate(now: now)
        let credential = OpaqueCredential.generate(prefix: "cpk", id: id)
        let stored = serviceName
        let expiry = expiresAt
        let record = try await context.write { session -> ApiKeyRecord in
            guard let organization = try OrganizationQueries(session: session).find(parent) else {
                throw APIError.notFound("organization", name: parent.description)
            }
            if stored != nil, try CompanyQueries(session: session).find(parent.company)?.kind != "platform" {
                throw APIError.invalidArgument(
                    field: "api_key.service_name", "service credentials belong to organizations of the platform company")
            }
            let key = ApiKeyRecord(
                id: id, companyID: parent.company, organizationID: organization.id, displayName: displayName,
                keyPrefix: String(credential.plaintext.prefix(16)), serviceName: stored,
                secretHash: StoredHash.encode(credential.secretHash), createdAt: now, expiresAt: expiry)
            try CredentialQueries(session: session).insertApiKey(key)
            return key
        }
        context.logger.info("API key created", metadata: ["apiKey": "\(record.name)", "service": "\(serviceName ?? "")"])
        var response = Cyberport_Identity_V1_CreateApiKeyResponse()
        response.apiKey = record.proto
        response.key = credential.plaintext
        return response
    }

    func listApiKeys(
        request: Cyberport_Identity_V1_ListApiKeysRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListApiKeysResponse {
        let caller = try context.caller(serverContext)
        let parent = try OrganizationName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let showRevoked = request.showRevoked
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(parent)|\(showRevoked)")
        let rows = try await context.read { session -> [ApiKeyRecord] in
            try CredentialQueries(session: session).apiKeys(
                organization: parent.organization, showRevoked: showRevoked, after: cursor.after, limit: cursor.pageSize + 1)
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Identity_V1_ListApiKeysResponse()
        response.apiKeys = page.rows.map(\.proto)
        response.nextPageToken = page.nextPageToken
        return response
    }

    func revokeApiKey(
        request: Cyberport_Identity_V1_RevokeApiKeyRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ApiKey {
        let caller = try context.caller(serverContext)
        let name = try ApiKeyName(parsing: request.name, field: "name")
        try caller.requireAdministrator(of: name.company)
        let now = WallClock.nowMicros()
        let key = try await context.write { session -> ApiKeyRecord in
            let credentials = CredentialQueries(session: session)
            guard let key = try credentials.apiKey(id: name.key), key.name == name else {
                throw APIError.notFound("API key", name: name.description)
            }
            try credentials.revokeApiKey(id: key.id, now: now)
            return try credentials.apiKey(id: key.id) ?? key
        }
        context.logger.info("API key revoked", metadata: ["apiKey": "\(name)"])
        return key.proto
    }
}
