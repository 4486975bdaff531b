import ArgumentParser
import PortAPI
import PortProtocol
import PortRPC

/// `cyberport logout`: ends the saved session at the Identity service (AuthService.Logout with its refresh token)
/// and deletes the session file.
struct LogoutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "End the saved session at the Identity service and delete the session file.",
        discussion: """
            The session file is deleted even when the Identity service cannot be reached (the exit status then \
            tells the call's failure, and the session's refresh token stays valid until it expires). A session the \
            service no longer knows (UNAUTHENTICATED) counts as ended.
            """)

    @OptionGroup var identity: IdentityOptions

    func run() async throws {
        try await identity.reporting {
            let store = try SessionStore.locate()
            try await store.withLock {
                let saved: StoredSession?
                do {
                    saved = try store.load()
                } catch {
                    Console.error("warning: \(error); deleting it")
                    saved = nil
                }
                var failure: (any Error)?
                if let saved, let refreshToken = saved.usableRefreshToken {
                    failure = await endSession(saved, refreshToken: refreshToken)
                }
                guard try store.remove() else {
                    Console.output("not logged in (no session file at \(store.path))")
                    return
                }
                Console.output("logged out" + (saved?.account.map { " \($0.name)" } ?? "") + "; deleted \(store.path)")
                if let failure {
                    Console.error("warning: the session could not be ended at the Identity service")
                    throw failure
                }
            }
        }
    }

    /// Calls Logout; nil when the session is ended (or was unknown already), else the error.
    private func endSession(_ session: StoredSession, refreshToken: String) async -> (any Error)? {
        let address = identity.identity ?? session.identityAddress
        identity.log("ending the session at \(address)")
        var request = Cyberport_Identity_V1_LogoutRequest()
        request.refreshToken = refreshToken
        do {
            _ = try await IdentityConnection.with(address) { client in
                try await client.logout(request, options: identity.callOptions)
            }
            return nil
        } catch let error as RPCError where error.code == .unauthenticated {
            identity.log("the Identity service no longer knows the session: \(error.message)")
            return nil
        } catch {
            return error
        }
    }
}
