import Foundation
import PortAPI
import PortProtocol
import PortRPC

/// A short-lived connection to the Identity service's AuthService: connects, runs the calls, closes.
enum IdentityConnection {
    /// The address of the Identity service: `explicit` (--identity), else $CYBERPORT_IDENTITY_ADDRESS, else
    /// `fallback` (the --address / $CYBERPORT_ADDRESS / default chain).
    static func address(explicit: String?, fallback: String) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_IDENTITY_ADDRESS"],
            !fromEnvironment.isEmpty
        {
            return fromEnvironment
        }
        return fallback
    }

    /// Runs `body` with an AuthService client for `address`; errors (including a malformed address) are thrown
    /// unchanged.
    static func with<R>(
        _ address: String, _ body: (Cyberport_Identity_V1_AuthServiceClient) async throws -> R
    ) async throws -> R {
        let client = try RPCClient(target: address)
        do {
            let result = try await body(Cyberport_Identity_V1_AuthServiceClient(client))
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}

extension Google_Protobuf_Timestamp {
    /// The instant as a Foundation date.
    var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1e9) }
}

extension StoredSession {
    /// A session from the grant of Login or ExchangeApiKey.
    init(
        grant: Cyberport_Identity_V1_TokenGrant, identityAddress: String, source: Source, account: Account?,
        apiKeyFile: String? = nil
    ) {
        self.init(
            identityAddress: identityAddress, source: source, accessToken: grant.accessToken,
            accessTokenExpireTime: grant.accessTokenExpireTime?.date,
            refreshToken: grant.refreshToken.isEmpty ? nil : grant.refreshToken,
            refreshTokenExpireTime: grant.refreshToken.isEmpty ? nil : grant.refreshTokenExpireTime?.date,
            account: account, apiKeyFile: apiKeyFile)
    }

    /// This session with the tokens of a Refresh or repeated ExchangeApiKey grant; a new refresh token replaces the
    /// old one (which stops working once used).
    func renewed(with grant: Cyberport_Identity_V1_TokenGrant) -> StoredSession {
        var renewed = self
        renewed.accessToken = grant.accessToken
        renewed.accessTokenExpireTime = grant.accessTokenExpireTime?.date
        if !grant.refreshToken.isEmpty {
            renewed.refreshToken = grant.refreshToken
            renewed.refreshTokenExpireTime = grant.refreshTokenExpireTime?.date
        }
        return renewed
    }
}
