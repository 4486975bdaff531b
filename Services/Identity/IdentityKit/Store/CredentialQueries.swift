import PortStore

/// Refresh tokens, API keys and signing keys.
struct CredentialQueries {
    let session: any SQLSession

    // MARK: refresh tokens

    struct RefreshToken {
        var id: String
        var familyID: String
        var userID: String
        var secretHash: String
        var expiresAt: Int64
        var usedAt: Int64?
        var revokedAt: Int64?
    }

    func insertRefreshToken(id: String, family: String, user: String, secretHash: String, expiresAt: Int64, now: Int64) throws {
        try session.execute(
            """
            INSERT INTO refresh_tokens (id, family_id, user_id, secret_hash, expires_at, created_at, used_at, revoked_at)
            VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)
            """,
            [.text(id), .text(family), .text(user), .text(secretHash), .int(expiresAt), .int(now)])
    }

    func refreshToken(id: String) throws -> RefreshToken? {
        guard let row = try session.queryOne(
            "SELECT id, family_id, user_id, secret_hash, expires_at, used_at, revoked_at FROM refresh_tokens WHERE id = $1",
            [.text(id)])
        else { return nil }
        return RefreshToken(
            id: try row.string("id"), familyID: try row.string("family_id"), userID: try row.string("user_id"),
            secretHash: try row.string("secret_hash"), expiresAt: try row.int("expires_at"),
            usedAt: try row.optionalInt("used_at"), revokedAt: try row.optionalInt("revoked_at"))
    }

    func markRefreshTokenUsed(id: String, now: Int64) throws {
        try session.execute("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1", [.text(id), .int(now)])
    }

    func revokeFamily(_ family: String, now: Int64) throws {
        try session.execute(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", [.text(family), .int(now)])
    }

    func revokeRefreshTokens(user: String, now: Int64) throws {
        try session.execute(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", [.text(user), .int(now)])
    }

    // MARK: API keys

    func insertApiKey(_ key: ApiKeyRecord) throws {
        try session.execute(
            """
            INSERT INTO api_keys (\(ApiKeyRecord.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                .text(key.id), .text(key.companyID), .text(key.organizationID), .text(key.displayName),
                .text(key.keyPrefix), optional(key.serviceName), .text(key.secretHash), .int(key.createdAt),
                optional(key.lastUsedAt), optional(key.revokedAt), optional(key.expiresAt),
            ])
    }

    func apiKey(id: String) throws -> ApiKeyRecord? {
        try session.queryOne("SELECT \(ApiKeyRecord.columns) FROM api_keys WHERE id = $1", [.text(id)])
            .map(ApiKeyRecord.init(row:))
    }

    func apiKeys(organization: String, showRevoked: Bool, after: String?, limit: Int) throws -> [ApiKeyRecord] {
        let filter = showRevoked ? "" : " AND revoked_at IS NULL"
        return try session.query(
            "SELECT \(ApiKeyRecord.columns) FROM api_keys WHERE organization_id = $1 AND id > $2\(filter) ORDER BY id LIMIT \(limit)",
            [.text(organization), .text(after ?? "")]
        ).map(ApiKeyRecord.init(row:))
    }

    func revokeApiKey(id: String, now: Int64) throws {
        try session.execute("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [.text(id), .int(now)])
    }

    func touchApiKey(id: String, now: Int64) throws {
        try session.execute("UPDATE api_keys SET last_used_at = $2 WHERE id = $1", [.text(id), .int(now)])
    }

    // MARK: signing keys

    struct StoredSigningKey: Sendable {
        var id: String
        var privateKey: String
        var sealed: Bool
        var publicKey: String
        var createdAt: Int64
        var retiredAt: Int64?
    }

    func signingKeys() throws -> [StoredSigningKey] {
        try session.query(
            "SELECT id, private_key, sealed, public_key, created_at, retired_at FROM signing_keys ORDER BY created_at", []
        ).map { row in
            StoredSigningKey(
                id: try row.string("id"), privateKey: try row.string("private_key"), sealed: try row.bool("sealed"),
                publicKey: try row.string("public_key"), createdAt: try row.int("created_at"),
                retiredAt: try row.optionalInt("retired_at"))
        }
    }

    func insertSigningKey(_ key: StoredSigningKey) throws {
        try session.execute(
            "INSERT INTO signing_keys (id, private_key, sealed, public_key, created_at, retired_at) VALUES ($1, $2, $3, $4, $5, NULL)",
            [.text(key.id), .text(key.privateKey), .bool(key.sealed), .text(key.publicKey), .int(key.createdAt)])
    }

    func retireSigningKeys(except id: String, now: Int64) throws {
        try session.execute(
            "UPDATE signing_keys SET retired_at = $2 WHERE id <> $1 AND retired_at IS NULL", [.text(id), .int(now)])
    }
}

/// Reads and writes of webhook targets.
struct WebhookQueries {
    let session: any SQLSession

    func find(_ name: WebhookTargetName) throws -> WebhookTargetRecord? {
        try session.queryOne(
            "SELECT \(WebhookTargetRecord.columns) FROM webhook_targets WHERE id = $1 AND company_id = $2",
            [.text(name.target), .text(name.company)]
        ).map(WebhookTargetRecord.init(row:))
    }

    func list(company: String, organization: String?, after: String?, limit: Int) throws -> [WebhookTargetRecord] {
        var sql = "SELECT \(WebhookTargetRecord.columns) FROM webhook_targets WHERE company_id = $1 AND id > $2"
        var binds: [SQLValue] = [.text(company), .text(after ?? "")]
        if let organization {
            sql += " AND organizations LIKE $3"
            binds.append(.text(KeyList.pattern(organization)))
        }
        return try session.query(sql + " ORDER BY id LIMIT \(limit)", binds).map(WebhookTargetRecord.init(row:))
    }

    func insert(_ target: WebhookTargetRecord) throws {
        try session.execute(
            "INSERT INTO webhook_targets (\(WebhookTargetRecord.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            [
                .text(target.id), .text(target.companyID), .text(target.displayName), .text(target.url),
                .text(target.secretToken), .text(KeyList.encode(target.organizations)), .int(target.version),
                .int(target.createdAt), .int(target.updatedAt),
            ])
    }

    func update(_ target: WebhookTargetRecord) throws {
        try session.execute(
            """
            UPDATE webhook_targets SET display_name = $2, url = $3, secret_token = $4, organizations = $5, version = $6,
              updated_at = $7 WHERE id = $1
            """,
            [
                .text(target.id), .text(target.displayName), .text(target.url), .text(target.secretToken),
                .text(KeyList.encode(target.organizations)), .int(target.version), .int(target.updatedAt),
            ])
    }

    func delete(id: String) throws {
        try session.execute("DELETE FROM webhook_targets WHERE id = $1", [.text(id)])
    }
}
