import Logging
import Foundation
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Log in, refresh, log out, API-key exchange and the published signing keys.
struct AuthAPI: Cyberport_Identity_V1_AuthServiceProvider {
    let context: IdentityContext
    var issuer: TokenIssuer { TokenIssuer(context: context) }

    private enum Outcome: Sendable {
        case granted(Cyberport_Identity_V1_TokenGrant, Cyberport_Identity_V1_User?)
        case refused(RPCError)
    }

    func login(
        request: Cyberport_Identity_V1_LoginRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_LoginResponse {
        let email = Validate.trim(request.email).lowercased()
        guard !email.isEmpty else { throw APIError.invalidArgument(field: "email", "is required", reason: "REQUIRED_FIELD") }
        guard !request.password.isEmpty else {
            throw APIError.invalidArgument(field: "password", "is required", reason: "REQUIRED_FIELD")
        }
        guard email.utf8.count <= 254, request.password.utf8.count <= 1024 else { throw IdentityErrors.wrongCredentials }
        let password = request.password
        let now = WallClock.nowMicros()
        let found = try await context.read { try UserQueries(session: $0).find(email: email) }
        guard let user = found, let hash = user.passwordHash else {
            // No usable account: the same time, answer and lockout as a wrong password.
            if let wait = context.unknownAccounts.lockedFor(email, now: now) { throw Self.locked(wait) }
            try await context.passwords.dummyVerify(password)
            context.unknownAccounts.recordFailure(email, now: now)
            throw IdentityErrors.wrongCredentials
        }
        if user.lockedUntil > now { throw Self.locked(user.lockedUntil - now) }
        guard try await context.passwords.verify(password, against: hash) else {
            let configuration = context.configuration
            let failures = try await context.write { session -> Int64 in
                let users = UserQueries(session: session)
                guard let current = try users.find(id: user.id) else { return 0 }
                let failed = current.failedLogins + 1
                let lockedUntil = UnknownAccountThrottle.lockedUntil(failures: failed, now: now, configuration: configuration)
                try users.recordLogin(user: user.id, failedLogins: failed, lockedUntil: lockedUntil, lastLoginAt: nil)
                return failed
            }
            context.logger.warning("login failed", metadata: ["user": "\(user.name)", "failuresInARow": "\(failures)"])
            throw IdentityErrors.wrongCredentials
        }
        let rehashed = context.passwords.needsRehash(hash) ? try await context.passwords.hash(password) : nil
        let issuer = self.issuer
        let outcome = try await context.write { session -> Outcome in
            let users = UserQueries(session: session)
            guard var current = try users.find(id: user.id) else {
                return .refused(IdentityErrors.wrongCredentials)
            }
            let organization = try OrganizationQueries(session: session).find(current.organizationName)
            let company = try CompanyQueries(session: session).find(current.companyID)
            if let reason = TokenIssuer.refusal(user: current, organization: organization, company: company) {
                return .refused(APIError.make(.permissionDenied, "cannot log in: \(reason)", reason: "ACCOUNT_NOT_USABLE"))
            }
            guard let organization, let company else { return .refused(IdentityErrors.wrongCredentials) }
            current.failedLogins = 0
            current.lockedUntil = 0
            current.lastLoginAt = now
            if let rehashed { current.passwordHash = rehashed }
            try users.update(current)
            let claims = issuer.userClaims(user: current, organization: organization, company: company, now: now)
            let grant = try issuer.grant(
                claims, session: session, user: current.id, refreshFamily: ResourceID.generate(now: now), now: now)
            return .granted(grant, current.proto(businessTypes: claims.businessTypes))
        }
        switch outcome {
        case .refused(let error):
            throw error
        case .granted(let grant, let user):
            context.logger.info("login", metadata: ["user": "\(user?.name ?? "")"])
            var response = Cyberport_Identity_V1_LoginResponse()
            response.grant = grant
            response.user = user
            return response
        }
    }

    func refresh(
        request: Cyberport_Identity_V1_RefreshRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_TokenGrant {
        guard !request.refreshToken.isEmpty else {
            throw APIError.invalidArgument(field: "refresh_token", "is required", reason: "REQUIRED_FIELD")
        }
        guard let (id, secret) = OpaqueCredential.parse(request.refreshToken, prefix: "cpr") else {
            throw Self.invalidRefreshToken
        }
        let now = WallClock.nowMicros()
        let issuer = self.issuer
        let logger = context.logger
        let outcome = try await context.write { session -> Outcome in
            let credentials = CredentialQueries(session: session)
            guard let token = try credentials.refreshToken(id: id),
                StoredHash.matches(secret, token.secretHash)
            else { return .refused(Self.invalidRefreshToken) }
            if token.revokedAt != nil {
                return .refused(APIError.make(.unauthenticated, "the session was ended; log in again", reason: "SESSION_REVOKED"))
            }
            if token.usedAt != nil {
                // A rotated token came back: someone holds a copy. End the whole session.
                try credentials.revokeFamily(token.familyID, now: now)
                logger.warning("refresh token reused; session revoked", metadata: ["session": "\(token.familyID)"])
                return .refused(APIError.make(
                    .unauthenticated, "the refresh token was already used; the session has been ended for safety",
                    reason: "REFRESH_TOKEN_REUSED"))
            }
            if token.expiresAt <= now {
                return .refused(APIError.make(.unauthenticated, "the refresh token expired; log in again", reason: "REFRESH_TOKEN_EXPIRED"))
            }
            guard let user = try UserQueries(session: session).find(id: token.userID) else {
                return .refused(Self.invalidRefreshToken)
            }
            let organization = try OrganizationQueries(session: session).find(user.organizationName)
            let company = try CompanyQueries(session: session).find(user.companyID)
            if let reason = TokenIssuer.refusal(user: user, organization: organization, company: company) {
                try credentials.revokeFamily(token.familyID, now: now)
                return .refused(APIError.make(.permissionDenied, "cannot refresh: \(reason)", reason: "ACCOUNT_NOT_USABLE"))
            }
            guard let organization, let company else { return .refused(Self.invalidRefreshToken) }
            try credentials.markRefreshTokenUsed(id: token.id, now: now)
            let claims = issuer.userClaims(user: user, organization: organization, company: company, now: now)
            let grant = try issuer.grant(claims, session: session, user: user.id, refreshFamily: token.familyID, now: now)
            return .granted(grant, nil)
        }
        switch outcome {
        case .refused(let error): throw error
        case .granted(let grant, _): return grant
        }
    }

    func logout(
        request: Cyberport_Identity_V1_LogoutRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_LogoutResponse {
        guard !request.refreshToken.isEmpty else {
            throw APIError.invalidArgument(field: "refresh_token", "is required", reason: "REQUIRED_FIELD")
        }
        guard let (id, secret) = OpaqueCredential.parse(request.refreshToken, prefix: "cpr") else {
            throw Self.invalidRefreshToken
        }
        let now = WallClock.nowMicros()
        let known = try await context.write { session -> Bool in
            let credentials = CredentialQueries(session: session)
            guard let token = try credentials.refreshToken(id: id),
                StoredHash.matches(secret, token.secretHash)
            else { return false }
            try credentials.revokeFamily(token.familyID, now: now)
            return true
        }
        guard known else { throw Self.invalidRefreshToken }
        return Cyberport_Identity_V1_LogoutResponse()
    }

    func exchangeApiKey(
        request: Cyberport_Identity_V1_ExchangeApiKeyRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_TokenGrant {
        guard !request.apiKey.isEmpty else {
            throw APIError.invalidArgument(field: "api_key", "is required", reason: "REQUIRED_FIELD")
        }
        let invalid = APIError.make(.unauthenticated, "the API key is not valid", reason: "INVALID_API_KEY")
        guard let (id, secret) = OpaqueCredential.parse(request.apiKey, prefix: "cpk") else { throw invalid }
        let now = WallClock.nowMicros()
        let issuer = self.issuer
        let outcome = try await context.write { session -> Outcome in
            let credentials = CredentialQueries(session: session)
            guard let key = try credentials.apiKey(id: id),
                StoredHash.matches(secret, key.secretHash)
            else { return .refused(invalid) }
            if key.revokedAt != nil {
                return .refused(APIError.make(.unauthenticated, "the API key was revoked", reason: "API_KEY_REVOKED"))
            }
            if let expiresAt = key.expiresAt, expiresAt <= now {
                return .refused(APIError.make(.unauthenticated, "the API key expired", reason: "API_KEY_EXPIRED"))
            }
            let organization = try OrganizationQueries(session: session).find(key.name.organizationName)
            let company = try CompanyQueries(session: session).find(key.companyID)
            guard let organization, organization.enabled else {
                return .refused(APIError.make(.permissionDenied, "the API key's organization is disabled", reason: "ACCOUNT_NOT_USABLE"))
            }
            guard let company, company.status == "approved" else {
                return .refused(APIError.make(.permissionDenied, "the API key's company is not approved or is suspended", reason: "ACCOUNT_NOT_USABLE"))
            }
            try credentials.touchApiKey(id: key.id, now: now)
            let claims = issuer.apiKeyClaims(key: key, organization: organization, company: company, now: now)
            return .granted(try issuer.grant(claims, session: session, user: nil, refreshFamily: nil, now: now), nil)
        }
        switch outcome {
        case .refused(let error): throw error
        case .granted(let grant, _): return grant
        }
    }

    func getSigningKeys(
        request: Cyberport_Identity_V1_GetSigningKeysRequest, context _: ServerContext
    ) async throws -> Cyberport_Identity_V1_GetSigningKeysResponse {
        publishedKeys()
    }

    func rotateSigningKeys(
        request: Cyberport_Identity_V1_RotateSigningKeysRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_GetSigningKeysResponse {
        try context.caller(serverContext).requireOperator("rotate signing keys")
        try await context.keys.rotate()
        return publishedKeys()
    }

    func getCaller(
        request: Cyberport_Identity_V1_GetCallerRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Identity_V1_Caller {
        let principal = try context.caller(serverContext).principal
        var caller = Cyberport_Identity_V1_Caller()
        caller.subject = principal.subject
        caller.kind = principal.kind.rawValue
        caller.organization = principal.organization
        caller.company = principal.company
        caller.businessTypes = BusinessTypeCatalog.ordered(principal.businessTypes)
        caller.roles = principal.roles
        caller.email = principal.email ?? ""
        caller.managedPorts = principal.ports
        caller.expireTime = Google_Protobuf_Timestamp(micros: Int64(principal.expiresAt.timeIntervalSince1970) * 1_000_000)
        return caller
    }

    private func publishedKeys() -> Cyberport_Identity_V1_GetSigningKeysResponse {
        var response = Cyberport_Identity_V1_GetSigningKeysResponse()
        response.issuer = context.configuration.issuer
        response.audience = context.configuration.audience
        response.keys = context.keys.published.map { info in
            var key = Cyberport_Identity_V1_SigningKey()
            key.keyId = info.keyID
            key.algorithm = "EdDSA"
            key.publicKey = info.publicKey
            key.createTime = Google_Protobuf_Timestamp(micros: info.createdAt)
            key.retireTime = info.retireAt.protoTimestamp
            key.current = info.current
            return key
        }
        return response
    }

    /// RESOURCE_EXHAUSTED for an account locked for `micros` more microseconds.
    static func locked(_ micros: Int64) -> RPCError {
        let seconds = (micros + 999_999) / 1_000_000
        return APIError.make(
            .resourceExhausted, "too many failed logins; try again in \(seconds) s", reason: "LOGIN_LOCKED",
            metadata: ["retryAfterSeconds": "\(seconds)"])
    }

    static let invalidRefreshToken = APIError.make(
        .unauthenticated, "the refresh token is not valid", reason: "INVALID_REFRESH_TOKEN")
}
