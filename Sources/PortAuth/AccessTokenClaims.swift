import Foundation
import PortCrypto

/// What kind of principal an access token stands for.
public enum PrincipalKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person who logged in with e-mail and password.
    case user
    /// A system integration of an organization, holding an API key.
    case apiKey
    /// One of the platform's own services (Deals, Naccs, Stats, …).
    case service
}

/// The role names carried in an access token's `roles` claim.
public enum PrincipalRole {
    /// An ordinary member of an organization.
    public static let user = "user"
    /// Manages its organization (users, API keys, webhooks).
    public static let administrator = "administrator"
    /// Platform operator (approves companies, sees everything).
    public static let `operator` = "operator"
    /// A platform service calling another.
    public static let service = "service"
}

/// The claims of an access token: the registered JWT claims (`iss`, `sub`, `aud`, `iat`, `nbf`, `exp`, `jti`) and
/// the platform's private ones (`kind`, `org`, `company`, `bt`, `roles`, `email`, `ports`).
///
/// Times are whole seconds (JWT NumericDate): the initializer drops fractions of a second, so claims survive a
/// round trip through a token unchanged.
public struct AccessTokenClaims: Sendable, Hashable, Codable {
    /// `iss`: who issued the token, e.g. "cyberport-identity".
    public var issuer: String
    /// `sub`: the principal's resource name: "companies/{c}/users/{u}", "services/{name}" or
    /// "companies/{c}/organizations/{o}/apiKeys/{k}".
    public var subject: String
    /// `aud`: who the token is for, e.g. "cyberport".
    public var audience: String
    /// `iat`: when the token was issued.
    public var issuedAt: Date { didSet { issuedAt = issuedAt.wholeSeconds } }
    /// `nbf`: the token is not valid before this time.
    public var notBefore: Date { didSet { notBefore = notBefore.wholeSeconds } }
    /// `exp`: the token is not valid from this time on.
    public var expiresAt: Date { didSet { expiresAt = expiresAt.wholeSeconds } }
    /// `jti`: the token's unique id.
    public var tokenID: String
    /// `kind`: user, API key or service.
    public var kind: PrincipalKind
    /// `org`: "companies/{c}/organizations/{o}"; may be empty for services.
    public var organization: String
    /// `company`: "companies/{c}"; may be empty for services.
    public var company: String
    /// `bt`: business-type keys of the organization, e.g. ["oceanShipping"].
    public var businessTypes: [String]
    /// `roles`: ``PrincipalRole`` names.
    public var roles: [String]
    /// `email`: the user's e-mail address (users only).
    public var email: String?
    /// `ports`: UN/LOCODEs a port-authority organization manages.
    public var ports: [String]?

    public init(
        issuer: String, subject: String, audience: String, issuedAt: Date, notBefore: Date? = nil, expiresAt: Date,
        tokenID: String = AccessTokenClaims.newTokenID(), kind: PrincipalKind, organization: String = "", company: String = "",
        businessTypes: [String] = [], roles: [String] = [], email: String? = nil, ports: [String]? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.issuedAt = issuedAt.wholeSeconds
        self.notBefore = (notBefore ?? issuedAt).wholeSeconds
        self.expiresAt = expiresAt.wholeSeconds
        self.tokenID = tokenID
        self.kind = kind
        self.organization = organization
        self.company = company
        self.businessTypes = businessTypes
        self.roles = roles
        self.email = email
        self.ports = ports
    }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", issuedAt = "iat", notBefore = "nbf"
        case expiresAt = "exp", tokenID = "jti", kind, organization = "org", company, businessTypes = "bt", roles
        case email, ports
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try c.decode(String.self, forKey: .issuer)
        subject = try c.decode(String.self, forKey: .subject)
        audience = try c.decode(String.self, forKey: .audience)
        issuedAt = try Self.decodeTime(c, .issuedAt)
        notBefore = try c.contains(.notBefore) ? Self.decodeTime(c, .notBefore) : issuedAt
        expiresAt = try Self.decodeTime(c, .expiresAt)
        tokenID = try c.decode(String.self, forKey: .tokenID)
        kind = try c.decode(PrincipalKind.self, forKey: .kind)
        organization = try c.decodeIfPresent(String.self, forKey: .organization) ?? ""
        company = try c.decodeIfPresent(String.self, forKey: .company) ?? ""
        businessTypes = try c.decodeIfPresent([String].self, forKey: .businessTypes) ?? []
        roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
        email = try c.decodeIfPresent(String.self, forKey: .email)
        ports = try c.decodeIfPresent([String].self, forKey: .ports)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(subject, forKey: .subject)
        try c.encode(audience, forKey: .audience)
        try c.encode(issuedAt.numericDate, forKey: .issuedAt)
        try c.encode(notBefore.numericDate, forKey: .notBefore)
        try c.encode(expiresAt.numericDate, forKey: .expiresAt)
        try c.encode(tokenID, forKey: .tokenID)
        try c.encode(kind, forKey: .kind)
        try c.encode(organization, forKey: .organization)
        try c.encode(company, forKey: .company)
        try c.encode(businessTypes, forKey: .businessTypes)
        try c.encode(roles, forKey: .roles)
        try c.encodeIfPresent(email, forKey: .email)
        try c.encodeIfPresent(ports, forKey: .ports)
    }

    /// A NumericDate: seconds since the epoch, integer or (per RFC 7519) fractional.
    private static func decodeTime(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let seconds = try c.decode(Double.self, forKey: key)
        guard seconds.isFinite, abs(seconds) < 1e11 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "time out of range")
        }
        return Date(timeIntervalSince1970: seconds).wholeSeconds
    }

    /// The compact JSON of the claims with sorted keys (what ``TokenSigner`` signs); equal to `JSONEncoder` with
    /// `[.sortedKeys, .withoutEscapingSlashes]` for ASCII content.
    func canonicalJSON() -> [UInt8] {
        var w = CompactJSONWriter()
        w.beginObject()
        w.key("aud"); w.string(audience)
        w.key("bt"); w.strings(businessTypes)
        w.key("company"); w.string(company)
        if let email { w.key("email"); w.string(email) }
        w.key("exp"); w.integer(expiresAt.numericDate)
        w.key("iat"); w.integer(issuedAt.numericDate)
        w.key("iss"); w.string(issuer)
        w.key("jti"); w.string(tokenID)
        w.key("kind"); w.string(kind.rawValue)
        w.key("nbf"); w.integer(notBefore.numericDate)
        w.key("org"); w.string(organization)
        if let ports { w.key("ports"); w.strings(ports) }
        w.key("roles"); w.strings(roles)
        w.key("sub"); w.string(subject)
        w.endObject()
        return w.bytes
    }
}

extension AccessTokenClaims {
    /// A new random token id for `jti`: 16 random bytes in base64url (22 characters).
    public static func newTokenID() -> String { SecureRandom.token(byteCount: 16) }
}

extension Date {
    /// The date rounded down to a whole second since the epoch.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
    /// Whole seconds since the epoch.
    var numericDate: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
}
