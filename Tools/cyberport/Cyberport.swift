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

            Exit status: 0 on success; the gRPC status code (1-16) when a call fails, e.g. 5 for NOT_FOUND and 14 for \
            UNAVAILABLE; 64 for bad usage, 65 for request JSON that is invalid or does not fit the request type, 66 \
            for an unreadable request file, 69 when `health` finds the service not serving, 76 when the server's \
            answer cannot be decoded.
            """,
        subcommands: [ListCommand.self, DescribeCommand.self, CallCommand.self, HealthCommand.self])
}
