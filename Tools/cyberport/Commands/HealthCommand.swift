import ArgumentParser
import PortDescriptors
import PortProtocol
import PortRPC

/// `cyberport health [SERVICE]`: grpc.health.v1 Check (or Watch), printing the serving status.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the serving status of the server or of one service (grpc.health.v1).",
        discussion: "Prints SERVING or NOT_SERVING (exit 0 only for SERVING, 69 otherwise); an unknown service name is NOT_FOUND (exit 5). With --watch, an unknown name streams SERVICE_UNKNOWN.")

    @Argument(help: "The service to check, e.g. cyberport.deals.v1.DealService (default: the whole server).")
    var service: String = ""

    @Flag(help: "Keep watching (Health/Watch) and print every status change until interrupted.")
    var watch = false

    @OptionGroup var connection: ConnectionOptions

    private static let requestType = BuiltinDescriptors.healthPackage + ".HealthCheckRequest"
    private static let responseType = BuiltinDescriptors.healthPackage + ".HealthCheckResponse"

    private static let healthService = BuiltinDescriptors.healthPackage + ".Health"

    func run() async throws {
        let request = RawProtoMessage(
            bytes: try ProtoJSONCodec().encode(
                ["service": .string(service)], messageType: Self.requestType, pool: BuiltinDescriptors.pool))
        try await connection.withClient { (client: RPCClient, session: ClientSession) in
            if watch {
                try await watch(client, request, options: session.callOptions)
            } else {
                try await check(client, request, options: session.callOptions)
            }
        }
    }

    private func check(_ client: RPCClient, _ request: RawProtoMessage, options: CallOptions) async throws {
        let response = try await client.unaryCall(
            RPCMethod(service: Self.healthService, method: "Check"), request: request,
            responseType: RawProtoMessage.self, options: options)
        if connection.verbose { MetadataPrinter.print(response.initialMetadata, prefix: "< header") }
        let status = try status(of: response.message)
        Console.output(status)
        if connection.verbose { MetadataPrinter.print(response.trailingMetadata, prefix: "< trailer") }
        if status != "SERVING" { throw ExitCode(LocalExitCode.notServing) }
    }

    private func watch(_ client: RPCClient, _ request: RawProtoMessage, options: CallOptions) async throws {
        try await client.serverStreaming(
            RPCMethod(service: Self.healthService, method: "Watch"), request: request,
            responseType: RawProtoMessage.self, options: options
        ) { (responses: ClientResponseStream<RawProtoMessage>) in
            for try await response in responses { Console.output(try status(of: response)) }
        }
    }

    private func status(of response: RawProtoMessage) throws -> String {
        let codec = ProtoJSONCodec(options: .init(emitDefaultValues: true))
        let json = try codec.decode(response.bytes, messageType: Self.responseType, pool: BuiltinDescriptors.pool)
        return json["status"].map { $0.stringValue ?? $0.plainNumber } ?? "UNKNOWN"
    }
}
