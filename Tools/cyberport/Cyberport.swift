import ArgumentParser

/// `cyberport`: the command-line client of the Cyber Port Open gRPC services. It learns the services' schemas by
/// server reflection, so any method can be called with JSON.
@main
struct Cyberport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cyberport",
        abstract: "Talk to Cyber Port Open gRPC services: list, describe and call methods with JSON.",
        discussion: """
            Examples:
              cyberport list
              cyberport list cyberport.deals.v1.DealService
              cyberport describe cyberport.deals.v1.FormDefinition
              cyberport call DealService/ListFormDefinitions -d '{"pageSize": 5}'
              cyberport call DealService/GetFormDefinition -d @request.json
              echo '{"name": "formDefinitions/UL040"}' | cyberport call \\
                  cyberport.deals.v1.DealService/GetFormDefinition
              cyberport health
              cyberport call --help

            Sessions (the Identity service's AuthService):
              cyberport login --email me@example.com      password from $CYBERPORT_PASSWORD or prompted
              cyberport login --api-key-file key.txt      or --api-key-env for $CYBERPORT_API_KEY
              cyberport whoami
              cyberport call CompanyService/GetCompany -d '{"name": "companies/…"}'
              cyberport logout
            Every command that calls a service sends --token, else $CYBERPORT_TOKEN, else the saved session's \
            access token, refreshed first when it expires within 60 s (--no-session skips the session).

            Environment:
              CYBERPORT_ADDRESS           server address (default 127.0.0.1:50051)
              CYBERPORT_IDENTITY_ADDRESS  Identity service for login (default: the server address)
              CYBERPORT_TOKEN             bearer token; takes precedence over the saved session
              CYBERPORT_SESSION_FILE      session file (default ${XDG_CONFIG_HOME:-~/.config}/cyberport/session.json)
              CYBERPORT_PASSWORD          password for login --email
              CYBERPORT_API_KEY           API key for login --api-key-env, and to renew API-key sessions

            Exit status: 0 on success; the gRPC status code (1-16) when a call fails, e.g. 5 for NOT_FOUND and 14 for \
            UNAVAILABLE; 64 for bad usage, 65 for request JSON that is invalid or does not fit the request type, 66 \
            for an unreadable request file, password or API key, 69 when `health` finds the service not serving, 73 \
            when the session file cannot be written, 76 when the server's answer cannot be decoded.
            """,
        subcommands: [
            ListCommand.self, DescribeCommand.self, CallCommand.self, HealthCommand.self, LoginCommand.self,
            LogoutCommand.self, WhoAmICommand.self,
        ])
}
