import ArgumentParser
import Foundation
import PortAPI
import PortProtocol
import PortRPC

/// `cyberport login`: logs in at the Identity service with e-mail and password (AuthService.Login) or an API key
/// (AuthService.ExchangeApiKey) and saves the session for the other commands. Prints who logged in, never a token
/// unless --print-token asks for the access token alone.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Log in at the Identity service and save the session for the other commands.",
        discussion: """
            The password comes from $CYBERPORT_PASSWORD, else it is asked for without echo when standard input is \
            a terminal, else it is the first line of standard input. An API key comes from $CYBERPORT_API_KEY \
            (--api-key-env) or a file (--api-key-file); it is not saved.

            The session (Identity address, tokens and their expiry, who logged in) is saved with mode 0600 in \
            $CYBERPORT_SESSION_FILE, else ${XDG_CONFIG_HOME:-~/.config}/cyberport/session.json. Commands renew its \
            access token when it expires: with the refresh token, or for API-key sessions by exchanging \
            $CYBERPORT_API_KEY (or the key file) again.

            For scripts: export CYBERPORT_TOKEN=$(cyberport login --email me@example.com --print-token)
            """)

    @Option(help: "Log in as this user with a password.")
    var email: String?

    @Flag(help: "Log in with the API key in $CYBERPORT_API_KEY.")
    var apiKeyEnv = false

    @Option(help: ArgumentHelp("Log in with the API key in this file.", valueName: "path"))
    var apiKeyFile: String?

    @Flag(help: "Print only the access token on standard output (who logged in goes to standard error).")
    var printToken = false

    @OptionGroup var identity: IdentityOptions

    func validate() throws {
        let ways = [email != nil, apiKeyEnv, apiKeyFile != nil].filter { $0 }.count
        guard ways == 1 else { throw ValidationError("give one of --email, --api-key-env or --api-key-file") }
        if let email, email.trimmingWhitespace().isEmpty { throw ValidationError("--email is empty") }
    }

    func run() async throws {
        try await identity.reporting {
            let store = try SessionStore.locate()
            let address = identity.resolvedAddress
            let (session, summary) =
                if let email {
                    try await logIn(email: email.trimmingWhitespace(), at: address)
                } else {
                    try await logInWithApiKey(at: address)
                }
            do {
                try await store.withLock { try store.save(session) }
            } catch {
                throw CLIFailure(
                    "logged in, but cannot save the session: \(error)", exitCode: LocalExitCode.cannotCreate)
            }
            if printToken {
                Console.output(session.accessToken)
                for line in summary { Console.error(line) }
            } else {
                for line in summary { Console.output(line) }
                Console.output("session saved in \(store.path)")
            }
        }
    }

    /// AuthService.Login with the e-mail and the password.
    private func logIn(email: String, at address: String) async throws -> (StoredSession, [String]) {
        var request = Cyberport_Identity_V1_LoginRequest()
        request.email = email
        request.password = try Secrets.password(for: email)
        identity.log("logging in as \(email) at \(address)")
        let response = try await IdentityConnection.with(address) { client in
            try await client.login(request, options: identity.callOptions)
        }
        let grant = try Self.checked(response.grant)
        let user = response.user ?? Cyberport_Identity_V1_User()
        let account = StoredSession.Account(
            name: user.name, email: user.email.isEmpty ? email : user.email,
            displayName: user.displayName.isEmpty ? nil : user.displayName,
            organization: user.organization.isEmpty ? nil : user.organization)
        let session = StoredSession(grant: grant, identityAddress: address, source: .password, account: account)
        let mail = account.email ?? email
        let who = user.displayName.isEmpty ? mail : "\(user.displayName) <\(mail)>"
        return (
            session,
            [
                "logged in as \(who)",
                "user:                  \(user.name)",
                "organization:          \(user.organization)",
                "business types:        \(Self.list(user.businessTypes))",
                "access token expires:  \(ExpiryText.describe(session.accessTokenExpireTime))",
                "session expires:       \(ExpiryText.describe(session.refreshTokenExpireTime))",
            ]
        )
    }

    /// AuthService.ExchangeApiKey, then GetCaller with the new token to learn whose key it is.
    private func logInWithApiKey(at address: String) async throws -> (StoredSession, [String]) {
        var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
        if let apiKeyFile {
            request.apiKey = try Secrets.apiKey(file: apiKeyFile)
        } else {
            guard let key = Secrets.apiKeyFromEnvironment() else {
                throw CLIFailure("--api-key-env: CYBERPORT_API_KEY is not set", exitCode: LocalExitCode.usage)
            }
            request.apiKey = key
        }
        identity.log("exchanging the API key at \(address)")
        let (grant, caller) = try await IdentityConnection.with(address) {
            client -> (Cyberport_Identity_V1_TokenGrant, Cyberport_Identity_V1_Caller?) in
            let grant = try Self.checked(try await client.exchangeApiKey(request, options: identity.callOptions))
            var options = identity.callOptions
            options.metadata.add("authorization", "Bearer \(grant.accessToken)")
            do {
                return (grant, try await client.getCaller(Cyberport_Identity_V1_GetCallerRequest(), options: options))
            } catch {
                Console.error("warning: logged in, but GetCaller failed: \(error)")
                return (grant, nil)
            }
        }
        let account = caller.map {
            StoredSession.Account(
                name: $0.subject, email: $0.email.isEmpty ? nil : $0.email, displayName: nil,
                organization: $0.organization.isEmpty ? nil : $0.organization)
        }
        let keyFile = apiKeyFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let session = StoredSession(
            grant: grant, identityAddress: address, source: .apiKey, account: account, apiKeyFile: keyFile)
        let renewal =
            keyFile.map { "renewed from \($0) when it expires" }
            ?? "renewed from $CYBERPORT_API_KEY (if set) when it expires; else run cyberport login again"
        var summary = ["logged in with an API key" + (caller.map { " as \($0.subject)" } ?? "")]
        if let caller {
            summary += [
                "organization:          \(caller.organization)",
                "business types:        \(Self.list(caller.businessTypes))",
                "roles:                 \(Self.list(caller.roles))",
            ]
        }
        summary += [
            "access token expires:  \(ExpiryText.describe(session.accessTokenExpireTime))",
            "no refresh token:      \(renewal)",
        ]
        return (session, summary)
    }

    /// The grant, if it carries an access token.
    private static func checked(_ grant: Cyberport_Identity_V1_TokenGrant?) throws -> Cyberport_Identity_V1_TokenGrant {
        guard let grant, !grant.accessToken.isEmpty else {
            throw CLIFailure(
                "the Identity service answered without an access token", exitCode: LocalExitCode.protocolError)
        }
        return grant
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
}
