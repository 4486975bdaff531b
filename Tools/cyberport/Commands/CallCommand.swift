import ArgumentParser
import PortDescriptors
import PortRPC

/// `cyberport call SERVICE/METHOD`: transcodes JSON requests to protobuf with the descriptors fetched by
/// reflection, calls the method and prints the responses as JSON.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a method with JSON requests and print the responses as JSON.",
        discussion: """
            Unary and server-streaming methods take one JSON object. Client-streaming and bidirectional methods \
            take a JSON array of objects or newline-delimited JSON objects; from standard input they are sent as \
            they are read. Server-streaming responses are printed as they arrive.
            """)

    @Argument(help: "The method as SERVICE/METHOD, e.g. cyberport.deals.v1.DealService/GetFormDefinition.")
    var method: String

    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Request JSON, @FILE to read a file, or @- for standard input (default: standard input; {} when it "
                + "is a terminal and the method takes one request)."))
    var data: String?

    @Flag(help: "Print each response on one line instead of indented.")
    var compact = false

    @Flag(help: "Include fields at their default values in responses.")
    var emitDefaults = false

    @Flag(help: "Use the .proto field names (snake_case) in responses instead of the JSON names.")
    var protoNames = false

    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard Self.split(method) != nil else {
            throw ValidationError(
                "method \(method) is not of the form SERVICE/METHOD, e.g. grpc.health.v1.Health/Check")
        }
    }

    /// "pkg.Service/Method" (or "pkg.Service.Method") → service and method.
    static func split(_ text: String) -> (service: String, method: String)? {
        let trimmed = text.hasPrefix("/") ? String(text.dropFirst()) : text
        if let parsed = RPCMethod(path: trimmed) { return (parsed.service, parsed.method) }
        guard !trimmed.contains("/"), let dot = trimmed.lastIndex(of: "."), dot != trimmed.startIndex,
            trimmed.index(after: dot) != trimmed.endIndex
        else { return nil }
        return (String(trimmed[..<dot]), String(trimmed[trimmed.index(after: dot)...]))
    }

    func run() async throws {
        let input: RequestInput
        do {
            input = try RequestInput.from(data: data)
        } catch {
            throw ExitCode(ErrorReport.report(error, pool: nil, verbose: connection.verbose))
        }
        guard let (serviceText, methodName) = Self.split(method) else { throw ValidationError("invalid method") }
        let codec = ProtoJSONCodec(options: .init(emitDefaultValues: emitDefaults, useProtoFieldNames: protoNames))
        try await connection.withClient { client, session in
            let reflection = ReflectionClient(
                client: client, options: session.reflectionOptions, log: connection.log)
            let service = try await reflection.qualifiedServiceName(serviceText)
            let pool = try await reflection.pool(containing: service)
            session.pool = pool
            guard let serviceDescriptor = pool.service(service) else {
                throw ReflectionFailure(
                    code: .notFound, message: "the server's descriptors do not define service \(service)")
            }
            guard let descriptor = serviceDescriptor.method(named: methodName) else {
                let known = serviceDescriptor.methods.map(\.name).joined(separator: ", ")
                throw ReflectionFailure(
                    code: .notFound, message: "service \(service) has no method \(methodName); it has: \(known)")
            }
            connection.log("calling \(service)/\(methodName) (\(ProtoTextRenderer.shape(descriptor)))")
            let invoker = MethodInvoker(
                client: client, method: RPCMethod(service: service, method: methodName), descriptor: descriptor,
                options: session.callOptions, verbose: connection.verbose,
                requests: RequestEncoder(pool: pool, typeName: descriptor.inputType),
                printer: ResponsePrinter(pool: pool, typeName: descriptor.outputType, codec: codec, compact: compact))
            try await invoker.run(input)
        }
    }
}
