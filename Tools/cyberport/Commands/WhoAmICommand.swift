import ArgumentParser
import PortAPI
import PortDescriptors
import PortProtocol
import PortRPC

/// `cyberport whoami`: what the Identity service makes of the token (AuthService.GetCaller): subject, kind,
/// organization, company, business types, roles and expiry.
struct WhoAmICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show who the token (--token, $CYBERPORT_TOKEN or the saved session) stands for.",
        discussion: """
            Asks AuthService.GetCaller at --identity, else at the Identity service of the saved session (when its \
            token is used), else at $CYBERPORT_IDENTITY_ADDRESS, else at --address. Exits 16 (UNAUTHENTICATED) when \
            there is no token.
            """)

    @Option(help: ArgumentHelp("Identity service address host:port.", valueName: "address"))
    var identity: String?

    @Flag(help: "Print the caller as JSON.")
    var json = false

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let authorization = await connection.authorization()
        guard connection.callOptions(token: authorization.token).metadata["authorization"] != nil else {
            let failure = CLIFailure(
                "not logged in: run cyberport login, or pass --token",
                exitCode: ErrorReport.exitCode(for: .unauthenticated))
            throw ExitCode(ErrorReport.report(failure, pool: nil, verbose: connection.verbose))
        }
        let address =
            identity ?? authorization.session?.identityAddress
            ?? IdentityConnection.address(explicit: nil, fallback: connection.resolvedAddress)
        try await connection.withClient(at: address, authorization: authorization) { client, session in
            let caller = try await Cyberport_Identity_V1_AuthServiceClient(client).getCaller(
                Cyberport_Identity_V1_GetCallerRequest(), options: session.callOptions)
            if json {
                Console.output(JSONSerializer(style: .pretty).string(Self.json(caller)))
            } else {
                for line in Self.lines(caller) { Console.output(line) }
            }
        }
    }

    private static func lines(_ caller: Cyberport_Identity_V1_Caller) -> [String] {
        var lines = [
            "subject:         \(caller.subject)",
            "kind:            \(caller.kind)",
        ]
        if !caller.email.isEmpty { lines.append("email:           \(caller.email)") }
        lines += [
            "organization:    \(caller.organization)",
            "company:         \(caller.company)",
            "business types:  \(list(caller.businessTypes))",
            "roles:           \(list(caller.roles))",
        ]
        if !caller.managedPorts.isEmpty { lines.append("managed ports:   \(list(caller.managedPorts))") }
        lines.append("expires:         \(ExpiryText.describe(caller.expireTime?.date))")
        return lines
    }

    /// The caller in proto JSON form (camelCase names, RFC 3339 time).
    private static func json(_ caller: Cyberport_Identity_V1_Caller) -> JSONValue {
        var object: JSONObject = [
            "subject": .string(caller.subject),
            "kind": .string(caller.kind),
            "email": .string(caller.email),
            "organization": .string(caller.organization),
            "company": .string(caller.company),
            "businessTypes": .array(caller.businessTypes.map(JSONValue.string)),
            "roles": .array(caller.roles.map(JSONValue.string)),
            "managedPorts": .array(caller.managedPorts.map(JSONValue.string)),
        ]
        if let expiry = caller.expireTime?.date { object.append("expireTime", .string(ExpiryText.timestamp(expiry))) }
        return .object(object)
    }

    private static func list(_ items: [String]) -> String { items.isEmpty ? "none" : items.joined(separator: ", ") }
}
