import Foundation

/// Who is calling: the verified claims of the call's access token, with the accessors authorization checks use.
public struct Principal: Sendable, Hashable {
    /// The verified claims.
    public let claims: AccessTokenClaims
    /// The organization's business-type keys, e.g. "oceanShipping".
    public let businessTypes: Set<String>

    public init(claims: AccessTokenClaims) {
        self.claims = claims
        self.businessTypes = Set(claims.businessTypes)
    }

    /// The principal's resource name: "companies/{c}/users/{u}", "services/{name}" or
    /// "companies/{c}/organizations/{o}/apiKeys/{k}".
    public var subject: String { claims.subject }
    /// ``PrincipalRole`` names, in token order.
    public var roles: [String] { claims.roles }
    public var kind: PrincipalKind { claims.kind }
    /// "companies/{c}/organizations/{o}"; empty for services.
    public var organization: String { claims.organization }
    /// "companies/{c}"; empty for services.
    public var company: String { claims.company }
    /// The user's e-mail address (users only).
    public var email: String? { claims.email }
    /// UN/LOCODEs the principal's port-authority organization manages; empty for others.
    public var ports: [String] { claims.ports ?? [] }
    public var tokenID: String { claims.tokenID }
    public var expiresAt: Date { claims.expiresAt }

    /// Whether the principal has the role.
    public func hasRole(_ role: String) -> Bool { roles.contains(role) }
    /// Whether the principal's organization has the business type.
    public func hasBusinessType(_ key: String) -> Bool { businessTypes.contains(key) }

    /// A platform operator.
    public var isOperator: Bool { roles.contains(PrincipalRole.operator) }
    /// An administrator of its organization.
    public var isAdministrator: Bool { roles.contains(PrincipalRole.administrator) }
    /// One of the platform's services.
    public var isService: Bool { claims.kind == .service }
    /// A person (not an API key or a service).
    public var isUser: Bool { claims.kind == .user }
}
