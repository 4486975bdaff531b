import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Users of a company: creation and invitation, administration, CSV import and password changes.
struct UserAPI: Cyberport_Identity_V1_UserServiceProvider {
    let context: IdentityContext

    func createUser(
        request: Cyberport_Identity_V1_CreateUserRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_CreateUserResponse {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let input = request.user ?? Cyberport_Identity_V1_User()
        let email = try Validate.email(input.email, field: "user.email")
        let displayName = try Validate.text(input.displayName, field: "user.display_name", max: 100)
        let organization = try Self.organization(input.organization, company: parent.company, field: "user.organization")
        let role = try Self.role(input.role, field: "user.role")
        var passwordHash: String?
        if !request.password.isEmpty {
            try Validate.password(request.password, field: "password", email: email)
            passwordHash = try await context.passwords.hash(request.password)
        }
        let now = WallClock.nowMicros()
        let user = UserRecord(
            id: ResourceID.generate(now: now), companyID: parent.company, organizationID: organization.organization,
            email: email, displayName: displayName, role: role, state: passwordHash == nil ? "invited" : "active",
            passwordHash: passwordHash, now: now)
        let invitation = passwordHash == nil ? OpaqueCredential.generate(prefix: "cpi", id: ResourceID.generate(now: now)) : nil
        let invitationExpiry = now + context.configuration.invitationLifetime * 1_000_000
        let businessTypes = try await context.write { session -> [String] in
            let found = try OrganizationQueries(session: session).find(organization)
            guard let found else { throw APIError.notFound("organization", name: organization.description) }
            let users = UserQueries(session: session)
            if try users.emailExists(email) {
                throw IdentityErrors.alreadyExists("a user with e-mail \(email)", field: "user.email")
            }
            try users.insert(user)
            if let invitation {
                try users.insertInvitation(
                    id: invitation.id, user: user.id, secretHash: StoredHash.encode(invitation.secretHash), expiresAt: invitationExpiry, now: now)
            }
            return found.businessTypes
        }
        context.logger.info(invitation == nil ? "user created" : "user invited", metadata: ["user": "\(user.name)"])
        var response = Cyberport_Identity_V1_CreateUserResponse()
        response.user = user.proto(businessTypes: businessTypes)
        if let invitation {
            response.invitationToken = invitation.plaintext
            response.invitationExpireTime = Google_Protobuf_Timestamp(micros: invitationExpiry)
        }
        return response
    }

    func acceptInvitation(
        request: Cyberport_Identity_V1_AcceptInvitationRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_User {
        guard !request.invitationToken.isEmpty else {
            throw APIError.invalidArgument(field: "invitation_token", "is required", reason: "REQUIRED_FIELD")
        }
        let invalid = APIError.make(.unauthenticated, "the invitation token is not valid", reason: "INVALID_INVITATION")
        guard let (id, secret) = OpaqueCredential.parse(request.invitationToken, prefix: "cpi") else { throw invalid }
        let now = WallClock.nowMicros()
        let found = try await context.read { session -> UserRecord? in
            let users = UserQueries(session: session)
            guard let invitation = try users.invitation(id: id),
                StoredHash.matches(secret, invitation.secretHash)
            else { return nil }
            if invitation.used || invitation.expiresAt <= now { return nil }
            return try users.find(id: invitation.user)
        }
        guard let user = found, user.state == "invited" else {
            throw APIError.make(.unauthenticated, "the invitation token is not valid, was already used or expired", reason: "INVALID_INVITATION")
        }
        try Validate.password(request.password, field: "password", email: user.email)
        let hash = try await context.passwords.hash(request.password)
        let updated = try await context.write { session -> (UserRecord, [String]) in
            let users = UserQueries(session: session)
            guard let invitation = try users.invitation(id: id), !invitation.used,
                var current = try users.find(id: user.id), current.state == "invited"
            else { throw invalid }
            try users.markInvitationUsed(id: id, now: now)
            current.passwordHash = hash
            current.state = "active"
            current.version += 1
            current.updatedAt = now
            try users.update(current)
            let organization = try OrganizationQueries(session: session).find(current.organizationName)
            return (current, organization?.businessTypes ?? [])
        }
        context.logger.info("invitation accepted", metadata: ["user": "\(user.name)"])
        return updated.0.proto(businessTypes: updated.1)
    }

    func getUser(
        request: Cyberport_Identity_V1_GetUserRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_User {
        let caller = try context.caller(serverContext)
        let name = try UserName(parsing: request.name, field: "name")
        if caller.principal.subject != name.description { try caller.requireAdministrator(of: name.company) }
        let found = try await context.read { session -> (UserRecord, [String])? in
            guard let user = try UserQueries(session: session).find(name) else { return nil }
            return (user, try OrganizationQueries(session: session).find(user.organizationName)?.businessTypes ?? [])
        }
        guard let (user, businessTypes) = found else { throw APIError.notFound("user", name: name.description) }
        return user.proto(businessTypes: businessTypes)
    }

    func listUsers(
        request: Cyberport_Identity_V1_ListUsersRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ListUsersResponse {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let organization = request.organization.isEmpty
            ? nil : try Self.organization(request.organization, company: parent.company, field: "organization")
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(parent)|\(organization?.description ?? "")")
        let (rows, types) = try await context.read { session -> ([UserRecord], [String: [String]]) in
            let users = try UserQueries(session: session).list(
                company: parent.company, organization: organization?.organization, after: cursor.after,
                limit: cursor.pageSize + 1)
            return (users, try Self.businessTypesByOrganization(session: session, company: parent.company))
        }
        let page = context.pagination.page(rows, cursor: cursor, key: \.id)
        var response = Cyberport_Identity_V1_ListUsersResponse()
        response.users = page.rows.map { $0.proto(businessTypes: types[$0.organizationID] ?? []) }
        response.nextPageToken = page.nextPageToken
        return response
    }

    func updateUser(
        request: Cyberport_Identity_V1_UpdateUserRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_User {
        let caller = try context.caller(serverContext)
        let input = request.user ?? Cyberport_Identity_V1_User()
        let name = try UserName(parsing: input.name, field: "user.name")
        let mask = try UpdateMask(request.updateMask, updatable: ["display_name", "organization", "role"])
        let isSelf = caller.principal.subject == name.description
        if !(isSelf && mask.paths == ["display_name"]) { try caller.requireAdministrator(of: name.company) }
        let displayName = mask.contains("display_name") ? try Validate.text(input.displayName, field: "user.display_name", max: 100) : nil
        let organization = mask.contains("organization")
            ? try Self.organization(input.organization, company: name.company, field: "user.organization") : nil
        let role = mask.contains("role") ? try Self.role(input.role, field: "user.role") : nil
        let now = WallClock.nowMicros()
        let (user, businessTypes) = try await context.write { session -> (UserRecord, [String]) in
            let users = UserQueries(session: session)
            guard var user = try users.find(name) else { throw APIError.notFound("user", name: name.description) }
            try ETag.check(input.etag, current: user.version, resource: name.description)
            if let displayName { user.displayName = displayName }
            if let organization {
                guard try OrganizationQueries(session: session).find(organization) != nil else {
                    throw APIError.notFound("organization", name: organization.description)
                }
                user.organizationID = organization.organization
            }
            if let role, role != user.role {
                if user.role == "administrator" && user.state != "disabled" {
                    try Self.requireAnotherAdministrator(
                        users: users, session: session, user: user, action: "making \(name) a user")
                }
                user.role = role
            }
            user.version += 1
            user.updatedAt = now
            try users.update(user)
            return (user, try OrganizationQueries(session: session).find(user.organizationName)?.businessTypes ?? [])
        }
        return user.proto(businessTypes: businessTypes)
    }

    func disableUser(
        request: Cyberport_Identity_V1_DisableUserRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_User {
        try await setState(disable: true, name: request.name, etag: request.etag, serverContext: serverContext)
    }

    func enableUser(
        request: Cyberport_Identity_V1_EnableUserRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_User {
        try await setState(disable: false, name: request.name, etag: request.etag, serverContext: serverContext)
    }

    func importUsers(
        request: Cyberport_Identity_V1_ImportUsersRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ImportUsersResponse {
        let caller = try context.caller(serverContext)
        let parent = try CompanyName(parsing: request.parent, field: "parent")
        try caller.requireAdministrator(of: parent.company)
        let plan = try UserImport.parse(request.csv, company: parent.company)
        let now = WallClock.nowMicros()
        let expiry = now + context.configuration.invitationLifetime * 1_000_000
        let validateOnly = request.validateOnly
        let response = try await context.write { session in
            try UserImport.run(plan, company: parent.company, session: session, validateOnly: validateOnly, now: now, invitationExpiry: expiry)
        }
        context.logger.info(
            "user import", metadata: ["company": "\(parent)", "rows": "\(plan.count)", "imported": "\(response.imported)"])
        return response
    }

    func changePassword(
        request: Cyberport_Identity_V1_ChangePasswordRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_ChangePasswordResponse {
        let caller = try context.caller(serverContext)
        guard caller.principal.kind == .user else {
            throw Caller.denied("only users change passwords (the caller is a \(caller.principal.kind.rawValue))")
        }
        let name = try UserName(parsing: caller.principal.subject, field: "subject")
        guard !request.currentPassword.isEmpty else {
            throw APIError.invalidArgument(field: "current_password", "is required", reason: "REQUIRED_FIELD")
        }
        let found = try await context.read { try UserQueries(session: $0).find(name) }
        guard let user = found, let hash = user.passwordHash else { throw APIError.notFound("user", name: name.description) }
        guard try await context.passwords.verify(request.currentPassword, against: hash) else {
            throw APIError.invalidArgument(field: "current_password", "is wrong", reason: "WRONG_PASSWORD")
        }
        try Validate.password(request.newPassword, field: "new_password", email: user.email)
        let newHash = try await context.passwords.hash(request.newPassword)
        let now = WallClock.nowMicros()
        try await context.write { session in
            let users = UserQueries(session: session)
            guard var current = try users.find(name) else { throw APIError.notFound("user", name: name.description) }
            current.passwordHash = newHash
            current.version += 1
            current.updatedAt = now
            try users.update(current)
            try CredentialQueries(session: session).revokeRefreshTokens(user: current.id, now: now)
        }
        context.logger.info("password changed", metadata: ["user": "\(name)"])
        return Cyberport_Identity_V1_ChangePasswordResponse()
    }

    private func setState(disable: Bool, name text: String, etag: String, serverContext: ServerContext) async throws -> Cyberport_Identity_V1_User {
        let caller = try context.caller(serverContext)
        let name = try UserName(parsing: text, field: "name")
        try caller.requireAdministrator(of: name.company)
        let now = WallClock.nowMicros()
        let (user, businessTypes) = try await context.write { session -> (UserRecord, [String]) in
            let users = UserQueries(session: session)
            guard var user = try users.find(name) else { throw APIError.notFound("user", name: name.description) }
            try ETag.check(etag, current: user.version, resource: name.description)
            let types = try OrganizationQueries(session: session).find(user.organizationName)?.businessTypes ?? []
            if disable {
                guard user.state != "disabled" else { return (user, types) }
                if user.role == "administrator" {
                    try Self.requireAnotherAdministrator(users: users, session: session, user: user, action: "disabling \(name)")
                }
                user.state = "disabled"
                try CredentialQueries(session: session).revokeRefreshTokens(user: user.id, now: now)
            } else {
                guard user.state == "disabled" else { return (user, types) }
                user.state = user.passwordHash == nil ? "invited" : "active"
                user.failedLogins = 0
                user.lockedUntil = 0
            }
            user.version += 1
            user.updatedAt = now
            try users.update(user)
            return (user, types)
        }
        context.logger.info(disable ? "user disabled" : "user enabled", metadata: ["user": "\(name)"])
        return user.proto(businessTypes: businessTypes)
    }

    /// FAILED_PRECONDITION unless the company keeps another administrator who can act (not disabled, in an enabled
    /// organization) besides `user`.
    static func requireAnotherAdministrator(users: UserQueries, session: any SQLSession, user: UserRecord, action: String) throws {
        let company = user.companyID
        let counts = try OrganizationQueries(session: session).find(user.organizationName)?.enabled ?? false
        guard try users.activeAdministratorCount(company: company) - (counts ? 1 : 0) >= 1 else {
            throw IdentityErrors.failedPrecondition(
                "\(action) would leave companies/\(company) without an administrator", reason: "LAST_ADMINISTRATOR")
        }
    }

    /// An organization of `company` given by resource name or bare id.
    static func organization(_ text: String, company: String, field: String) throws -> OrganizationName {
        let trimmed = Validate.trim(text)
        if ResourceID.isWellFormed(Substring(trimmed)) { return OrganizationName(company: company, organization: trimmed) }
        let name = try OrganizationName(parsing: trimmed, field: field)
        guard name.company == company else {
            throw APIError.invalidArgument(field: field, "must be an organization of companies/\(company)")
        }
        return name
    }

    static func role(_ role: Cyberport_Identity_V1_UserRole, field: String) throws -> String {
        switch role {
        case .unspecified, .user: return "user"
        case .administrator: return "administrator"
        default: throw APIError.invalidArgument(field: field, "unknown role \(role.rawValue)")
        }
    }

    static func businessTypesByOrganization(session: any SQLSession, company: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for row in try session.query("SELECT id, business_types FROM organizations WHERE company_id = $1", [.text(company)]) {
            result[try row.string("id")] = KeyList.decode(try row.string("business_types"))
        }
        return result
    }
}
