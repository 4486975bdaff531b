import Foundation
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore

/// Issues access tokens and refresh tokens and checks that an account may hold them: the user is active, its
/// organization enabled and its company approved. Called inside write transactions.
struct TokenIssuer {
    let context: IdentityContext

    /// Why an account may not get tokens, or nil when it may.
    static func refusal(user: UserRecord, organization: OrganizationRecord?, company: CompanyRecord?) -> String? {
        if user.state == "disabled" { return "the user is disabled" }
        if user.state != "active" { return "the user has not accepted the invitation yet" }
        guard let organization, organization.enabled else { return "the user's organization is disabled" }
        guard let company else { return "the user's company does not exist" }
        switch company.status {
        case "approved": return nil
        case "pending": return "the company is waiting for approval by a platform operator"
        case "rejected": return "the company's registration was rejected"
        case "suspended": return "the company is suspended"
        default: return "the company is not approved"
        }
    }

    /// The claims of a user session.
    func userClaims(user: UserRecord, organization: OrganizationRecord, company: CompanyRecord, now: Int64) -> AccessTokenClaims {
        var roles = [user.role]
        if company.kind == "platform" { roles.append("operator") }
        let approved = Set(company.approvedBusinessTypes)
        return claims(
            subject: user.name.description, kind: .user, organization: organization.name.description,
            company: company.name.description, businessTypes: organization.businessTypes.filter(approved.contains),
            roles: roles, email: user.email, ports: organization.managedPorts, now: now)
    }

    /// The claims of an API key (an organization's system) or of a service credential.
    func apiKeyClaims(key: ApiKeyRecord, organization: OrganizationRecord, company: CompanyRecord, now: Int64) -> AccessTokenClaims {
        if let service = key.serviceName {
            return claims(
                subject: "services/\(service)", kind: .service, organization: organization.name.description,
                company: company.name.description, businessTypes: [], roles: ["service"], email: nil, ports: [], now: now)
        }
        let approved = Set(company.approvedBusinessTypes)
        return claims(
            subject: key.name.description, kind: .apiKey, organization: organization.name.description,
            company: company.name.description, businessTypes: organization.businessTypes.filter(approved.contains),
            roles: ["user"], email: nil, ports: organization.managedPorts, now: now)
    }

    private func claims(
        subject: String, kind: PrincipalKind, organization: String, company: String, businessTypes: [String],
        roles: [String], email: String?, ports: [String], now: Int64
    ) -> AccessTokenClaims {
        let issuedAt = Date(timeIntervalSince1970: Double(now / 1_000_000))
        return AccessTokenClaims(
            issuer: context.configuration.issuer, subject: subject, audience: context.configuration.audience,
            issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(Double(context.configuration.accessTokenLifetime)),
            kind: kind, organization: organization, company: company,
            businessTypes: businessTypes, roles: roles, email: email, ports: ports.isEmpty ? nil : ports)
    }

    /// Signs `claims`; with `refreshFamily`, also stores a new refresh token of that session.
    func grant(
        _ claims: AccessTokenClaims, session: any SQLSession, user: String?, refreshFamily: String?, now: Int64
    ) throws -> Cyberport_Identity_V1_TokenGrant {
        var grant = Cyberport_Identity_V1_TokenGrant()
        grant.accessToken = try context.keys.sign(claims)
        grant.accessTokenExpireTime = Google_Protobuf_Timestamp(micros: Int64(claims.expiresAt.timeIntervalSince1970) * 1_000_000)
        grant.tokenType = "Bearer"
        if let user, let refreshFamily {
            let id = ResourceID.generate(now: now)
            let credential = OpaqueCredential.generate(prefix: "cpr", id: id)
            let expiresAt = now + context.configuration.refreshTokenLifetime * 1_000_000
            try CredentialQueries(session: session).insertRefreshToken(
                id: id, family: refreshFamily, user: user, secretHash: StoredHash.encode(credential.secretHash), expiresAt: expiresAt, now: now)
            grant.refreshToken = credential.plaintext
            grant.refreshTokenExpireTime = Google_Protobuf_Timestamp(micros: expiresAt)
        }
        return grant
    }
}

/// SHA-256 hashes of opaque secrets as stored (base64url text).
enum StoredHash {
    static func encode(_ hash: [UInt8]) -> String { Base64URL.encode(hash) }

    /// Whether `secret` hashes to `stored` (constant time).
    static func matches(_ secret: [UInt8], _ stored: String) -> Bool {
        guard let hash = Base64URL.decode(stored) else { return false }
        return OpaqueCredential.matches(secret: secret, storedHash: hash)
    }
}
