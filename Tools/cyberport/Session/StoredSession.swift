import Foundation

/// What `cyberport login` saves: where the session came from and its tokens. Never holds a password or an API key.
/// Its `description` leaves the tokens out, so printing a session cannot leak them.
struct StoredSession: Codable, Sendable {
    /// How the session was obtained.
    enum Source: String, Codable, Sendable {
        /// E-mail and password: renewed with the refresh token.
        case password
        /// An API key: no refresh token; renewed by exchanging $CYBERPORT_API_KEY (or the key file) again.
        case apiKey
    }

    /// Who the tokens stand for, as the Identity service told at login.
    struct Account: Codable, Sendable {
        /// "companies/{c}/users/{u}", or the API key's subject.
        var name: String
        var email: String?
        var displayName: String?
        var organization: String?
    }

    /// The file format; files of a newer version are refused.
    static let currentVersion = 1

    var version = StoredSession.currentVersion
    /// The Identity service (host:port) that issued the tokens and renews them.
    var identityAddress: String
    var source: Source
    var accessToken: String
    var accessTokenExpireTime: Date?
    var refreshToken: String?
    var refreshTokenExpireTime: Date?
    var account: Account?
    /// For API-key sessions logged in with --api-key-file: the file to read the key from again (the path only).
    var apiKeyFile: String?
    var saveTime: Date?

    /// Whether the access token expires within `margin` seconds of `now` (false when its expiry is unknown).
    func accessTokenExpires(within margin: TimeInterval, of now: Date = Date()) -> Bool {
        accessTokenExpireTime.map { $0.timeIntervalSince(now) < margin } ?? false
    }

    /// Whether the access token has expired.
    func accessTokenExpired(at now: Date = Date()) -> Bool { accessTokenExpires(within: 0, of: now) }

    /// The refresh token, if there is one.
    var usableRefreshToken: String? {
        guard let refreshToken, !refreshToken.isEmpty else { return nil }
        return refreshToken
    }
}

extension StoredSession: CustomStringConvertible, CustomDebugStringConvertible {
    var description: String {
        "session of \(account?.name ?? "unknown") from \(identityAddress) (\(source.rawValue); tokens not shown)"
    }

    var debugDescription: String { description }
}
