import PortStore

/// Reads and writes of users and invitations.
struct UserQueries {
    let session: any SQLSession

    func find(_ name: UserName) throws -> UserRecord? {
        try session.queryOne(
            "SELECT \(UserRecord.columns) FROM users WHERE id = $1 AND company_id = $2",
            [.text(name.user), .text(name.company)]
        ).map(UserRecord.init(row:))
    }

    func find(id: String) throws -> UserRecord? {
        try session.queryOne("SELECT \(UserRecord.columns) FROM users WHERE id = $1", [.text(id)]).map(UserRecord.init(row:))
    }

    func find(email: String) throws -> UserRecord? {
        try session.queryOne("SELECT \(UserRecord.columns) FROM users WHERE email = $1", [.text(email)])
            .map(UserRecord.init(row:))
    }

    func emailExists(_ email: String) throws -> Bool {
        try session.queryOne("SELECT id FROM users WHERE email = $1", [.text(email)]) != nil
    }

    func list(company: String, organization: String?, after: String?, limit: Int) throws -> [UserRecord] {
        var sql = "SELECT \(UserRecord.columns) FROM users WHERE company_id = $1 AND id > $2"
        var binds: [SQLValue] = [.text(company), .text(after ?? "")]
        if let organization {
            sql += " AND organization_id = $3"
            binds.append(.text(organization))
        }
        return try session.query(sql + " ORDER BY id LIMIT \(limit)", binds).map(UserRecord.init(row:))
    }

    /// Administrators of the company who can act: not disabled (invited ones count: they can still take over) and
    /// in an enabled organization.
    func activeAdministratorCount(company: String) throws -> Int64 {
        try session.queryOne(
            """
            SELECT COUNT(*) AS n FROM users u JOIN organizations o ON o.id = u.organization_id
            WHERE u.company_id = $1 AND u.role = 'administrator' AND u.state <> 'disabled' AND o.enabled = $2
            """,
            [.text(company), .bool(true)])?.int("n") ?? 0
    }

    func insert(_ user: UserRecord) throws {
        try session.execute(
            """
            INSERT INTO users (\(UserRecord.columns))
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            """,
            [
                .text(user.id), .text(user.companyID), .text(user.organizationID), .text(user.email),
                .text(user.displayName), .text(user.role), .text(user.state), optional(user.passwordHash),
                .int(user.failedLogins), .int(user.lockedUntil), optional(user.lastLoginAt), .int(user.version),
                .int(user.createdAt), .int(user.updatedAt),
            ])
    }

    func update(_ user: UserRecord) throws {
        try session.execute(
            """
            UPDATE users SET organization_id = $2, display_name = $3, role = $4, state = $5, password_hash = $6,
              failed_logins = $7, locked_until = $8, last_login_at = $9, version = $10, updated_at = $11
            WHERE id = $1
            """,
            [
                .text(user.id), .text(user.organizationID), .text(user.displayName), .text(user.role),
                .text(user.state), optional(user.passwordHash), .int(user.failedLogins), .int(user.lockedUntil),
                optional(user.lastLoginAt), .int(user.version), .int(user.updatedAt),
            ])
    }

    /// Records a failed or successful login without touching the version (not a user-visible edit).
    func recordLogin(user: String, failedLogins: Int64, lockedUntil: Int64, lastLoginAt: Int64?) throws {
        try session.execute(
            "UPDATE users SET failed_logins = $2, locked_until = $3, last_login_at = COALESCE($4, last_login_at) WHERE id = $1",
            [.text(user), .int(failedLogins), .int(lockedUntil), optional(lastLoginAt)])
    }

    func insertInvitation(id: String, user: String, secretHash: String, expiresAt: Int64, now: Int64) throws {
        try session.execute(
            "INSERT INTO invitations (id, user_id, secret_hash, expires_at, used_at, created_at) VALUES ($1, $2, $3, $4, NULL, $5)",
            [.text(id), .text(user), .text(secretHash), .int(expiresAt), .int(now)])
    }

    /// (user id, secret hash, expiry, used) of an invitation.
    func invitation(id: String) throws -> (user: String, secretHash: String, expiresAt: Int64, used: Bool)? {
        guard let row = try session.queryOne(
            "SELECT user_id, secret_hash, expires_at, used_at FROM invitations WHERE id = $1", [.text(id)])
        else { return nil }
        return (try row.string("user_id"), try row.string("secret_hash"), try row.int("expires_at"),
                try row.optionalInt("used_at") != nil)
    }

    func markInvitationUsed(id: String, now: Int64) throws {
        try session.execute("UPDATE invitations SET used_at = $2 WHERE id = $1", [.text(id), .int(now)])
    }
}
