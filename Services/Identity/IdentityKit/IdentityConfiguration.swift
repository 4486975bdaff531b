import PortCrypto

/// How the Identity service issues and protects credentials.
public struct IdentityConfiguration: Sendable {
    /// The "iss" claim of access tokens.
    public var issuer = "cyberport-identity"
    /// The "aud" claim of access tokens.
    public var audience = "cyberport"
    /// Access-token lifetime in seconds (default 15 minutes).
    public var accessTokenLifetime: Int64 = 900
    /// Refresh-token lifetime in seconds (default 30 days).
    public var refreshTokenLifetime: Int64 = 30 * 86_400
    /// Invitation lifetime in seconds (default 7 days).
    public var invitationLifetime: Int64 = 7 * 86_400
    /// Argon2id cost of new password hashes.
    public var passwordHashing: PasswordHasher.Parameters = .interactive
    /// Threads that hash passwords (each hash holds `passwordHashing`'s memory while it runs).
    public var passwordHashThreads = 2
    /// A new signing key is made when the current one is older than this many seconds (0 = only when asked).
    public var signingKeyRotation: Int64 = 30 * 86_400
    /// 32-byte key that encrypts signing keys at rest; nil stores them unencrypted (a warning is logged).
    public var keyEncryptionKey: [UInt8]?
    /// Failed logins in a row before the account is locked for a while.
    public var lockoutThreshold: Int64 = 5
    /// The first lock lasts this many seconds and doubles with each further failure, up to `lockoutMaximum`.
    public var lockoutBase: Int64 = 30
    public var lockoutMaximum: Int64 = 900
    /// The platform operator account created at start-up when it does not exist yet.
    public var bootstrapOperator: OperatorAccount?

    public init() {}
}

/// The first platform operator: created with the platform company and its organization on first start.
public struct OperatorAccount: Sendable {
    public var email: String
    public var password: String
    public var displayName: String

    public init(email: String, password: String, displayName: String = "Platform operator") {
        self.email = email
        self.password = password
        self.displayName = displayName
    }
}
