import Foundation
import PortAPI
import PortProtocol
import PortRPC

/// Supplies the saved session's access token to commands that call services. A token that expires within 60 s is
/// renewed first: with the refresh token (Refresh at the session's Identity service; the rotated refresh token is
/// saved before the access token is used), or for API-key sessions by exchanging $CYBERPORT_API_KEY (or the
/// remembered key file) again. Problems become warnings on standard error and the command goes on without a token.
struct SessionAuthorizer {
    /// Renew when the access token has less than this left.
    static let renewalMargin: TimeInterval = 60
    /// What the user is told when the session cannot be renewed.
    static let expiredMessage = "session expired: run cyberport login"

    let store: SessionStore
    /// Deadline of the Refresh / ExchangeApiKey call.
    let timeout: Duration
    let verbose: Bool

    /// The session to authorize with, renewed if needed; nil when there is none or it is unusable.
    func session() async -> StoredSession? {
        let loaded: StoredSession?
        do { loaded = try store.load() } catch { return warnUnusable(error) }
        guard let saved = loaded else {
            log("no saved session at \(store.path)")
            return nil
        }
        guard saved.accessTokenExpires(within: Self.renewalMargin) else {
            log("using the saved session (\(saved.account?.name ?? "unknown subject"))")
            return saved
        }
        do {
            return try await store.withLock {
                // Another process may have renewed it meanwhile: decide on the file as it is now.
                guard let current = try store.load() else { return nil }
                guard current.accessTokenExpires(within: Self.renewalMargin) else { return current }
                return try await renew(current)
            }
        } catch {
            return warnUnusable(error)
        }
    }

    private func renew(_ session: StoredSession) async throws -> StoredSession? {
        if let refreshToken = session.usableRefreshToken {
            if let expiry = session.refreshTokenExpireTime, expiry <= Date() { return expired(session, reason: nil) }
            log("refreshing the session at \(session.identityAddress)")
            var request = Cyberport_Identity_V1_RefreshRequest()
            request.refreshToken = refreshToken
            return await renew(session) { client in try await client.refresh(request, options: callOptions) }
        }
        if session.source == .apiKey, let key = apiKey(for: session) {
            log("exchanging the API key again at \(session.identityAddress)")
            var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
            request.apiKey = key
            return await renew(session) { client in try await client.exchangeApiKey(request, options: callOptions) }
        }
        return session.accessTokenExpired() ? expired(session, reason: nil) : session
    }

    /// Calls `grant`, then saves the renewed session before anything uses its access token.
    private func renew(
        _ session: StoredSession,
        grant: (Cyberport_Identity_V1_AuthServiceClient) async throws -> Cyberport_Identity_V1_TokenGrant
    ) async -> StoredSession? {
        let renewed: StoredSession
        do {
            renewed = session.renewed(with: try await IdentityConnection.with(session.identityAddress, grant))
        } catch let error as RPCError where error.code == .unauthenticated || error.code == .permissionDenied {
            return expired(session, reason: error.message)
        } catch {
            Console.error("warning: cannot renew the session at \(session.identityAddress): \(Self.describe(error))")
            return session.accessTokenExpired() ? nil : session
        }
        do {
            try store.save(renewed)
        } catch {
            Console.error("warning: the renewed session could not be saved (\(error)); run cyberport login")
        }
        return renewed
    }

    private func expired(_ session: StoredSession, reason: String?) -> StoredSession? {
        var message = Self.expiredMessage
        if session.source == .apiKey && session.usableRefreshToken == nil {
            message += ", or set CYBERPORT_API_KEY to renew it"
        }
        if let reason, !reason.isEmpty { message += " (\(reason))" }
        Console.error(message)
        return nil
    }

    /// The API key to exchange again: $CYBERPORT_API_KEY, else the key file given at login (if still readable).
    private func apiKey(for session: StoredSession) -> String? {
        if let key = Secrets.apiKeyFromEnvironment() { return key }
        guard let file = session.apiKeyFile else { return nil }
        do { return try Secrets.apiKey(file: file) } catch {
            log("cannot read the API key again: \(error)")
            return nil
        }
    }

    private var callOptions: CallOptions { CallOptions(timeout: timeout) }

    private func warnUnusable(_ error: any Error) -> StoredSession? {
        Console.error("warning: ignoring the saved session: \(error) (log in again, or use --no-session)")
        return nil
    }

    private func log(_ text: String) {
        if verbose { Console.error("* " + text) }
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? RPCError else { return "\(error)" }
        return error.message.isEmpty ? error.code.name : "\(error.code.name): \(error.message)"
    }
}
