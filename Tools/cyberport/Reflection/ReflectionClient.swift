import PortDescriptors
import PortProtocol
import PortRPC

/// The two versions of the server reflection protocol; v1alpha is what older servers speak.
enum ReflectionVersion: Sendable {
    case v1
    case v1alpha

    var package: String {
        switch self {
        case .v1: "grpc.reflection.v1"
        case .v1alpha: "grpc.reflection.v1alpha"
        }
    }

    var method: RPCMethod { RPCMethod(service: package + ".ServerReflection", method: "ServerReflectionInfo") }
}

/// Asks a server about its services and their descriptors over grpc.reflection (v1, falling back to v1alpha when
/// the server answers UNIMPLEMENTED). Requests and responses are transcoded with ``ProtoJSONCodec`` over the
/// built-in reflection descriptors, so no generated code is involved. One short bidirectional call per question.
final class ReflectionClient {
    private let client: RPCClient
    private let options: CallOptions
    private let log: (String) -> Void
    private var version: ReflectionVersion = .v1
    private let codec = ProtoJSONCodec()

    /// `log` receives progress lines for --verbose.
    init(client: RPCClient, options: CallOptions, log: @escaping (String) -> Void = { _ in }) {
        self.client = client
        self.options = options
        self.log = log
    }

    /// The fully qualified names of the services the server exposes, sorted.
    func listServices() async throws -> [String] {
        let response = try await ask(["listServices": ""])
        let services = response["listServicesResponse"]?["service"]?.arrayValue ?? []
        return services.compactMap { $0["name"]?.stringValue }.sorted()
    }

    /// The serialized FileDescriptorProtos of the file defining `symbol` (and usually its dependencies).
    func filesContaining(symbol: String) async throws -> [[UInt8]] {
        try fileDescriptors(try await ask(["fileContainingSymbol": .string(symbol)]))
    }

    /// The serialized FileDescriptorProtos of a file by its import path (and usually its dependencies).
    func files(named name: String) async throws -> [[UInt8]] {
        try fileDescriptors(try await ask(["fileByFilename": .string(name)]))
    }

    /// A pool of the file defining `symbol`, its transitive imports (asked for one by one when the server did not
    /// send them) and the built-in descriptors (so google.rpc error details resolve too).
    func pool(containing symbol: String) async throws -> DescriptorPool {
        var serverFiles: [String: FileDescriptor] = [:]
        var order: [String] = []
        func add(_ serialized: [[UInt8]]) throws {
            for bytes in serialized {
                let file = try DescriptorParser.parseFile(bytes)
                if serverFiles[file.name] == nil { order.append(file.name) }
                serverFiles[file.name] = file
            }
        }
        try add(try await filesContaining(symbol: symbol))
        var index = 0
        while index < order.count {
            for dependency in serverFiles[order[index]]?.dependencies ?? [] where serverFiles[dependency] == nil {
                do {
                    try add(try await files(named: dependency))
                } catch let error as ReflectionFailure {
                    log("reflection: no \(dependency) from the server (\(error.message)); using a built-in copy if any")
                }
                if serverFiles[dependency] == nil {
                    serverFiles[dependency] = BuiltinDescriptors.pool.file(named: dependency)
                }
            }
            index += 1
        }
        var pool = BuiltinDescriptors.pool
        for name in order { if let file = serverFiles[name] { pool.add(file) } }
        log("reflection: \(order.count) file(s) for \(symbol): \(order.joined(separator: ", "))")
        return pool
    }

    /// A fully qualified service name: names with a dot are taken as they are, others resolved by
    /// ``resolveService(_:)``.
    func qualifiedServiceName(_ name: String) async throws -> String {
        name.contains(".") ? name : try await resolveService(name)
    }

    /// Resolves a service name the user typed: an exact name, or the unique service whose name ends in ".NAME".
    func resolveService(_ name: String) async throws -> String {
        let services = try await listServices()
        if services.contains(name) { return name }
        let matches = services.filter { $0.hasSuffix("." + name) }
        if matches.count == 1 { return matches[0] }
        let hint = matches.isEmpty ? services : matches
        throw ReflectionFailure(
            code: .notFound,
            message: "service \(name) \(matches.isEmpty ? "is not offered" : "is ambiguous"); the server offers: "
                + hint.joined(separator: ", "))
    }

    private func fileDescriptors(_ response: JSONValue) throws -> [[UInt8]] {
        let encoded = response["fileDescriptorResponse"]?["fileDescriptorProto"]?.arrayValue ?? []
        return try encoded.map { value in
            guard let text = value.stringValue, let bytes = Base64.decode(text) else {
                throw ReflectionFailure(code: .internal, message: "the server sent a malformed file descriptor")
            }
            return bytes
        }
    }

    /// Sends one ServerReflectionRequest and returns the response as JSON; an error_response becomes a
    /// ``ReflectionFailure``.
    private func ask(_ request: JSONObject) async throws -> JSONValue {
        do {
            return try await send(request, version: version)
        } catch let error as RPCError where error.code == .unimplemented && version == .v1 {
            log("reflection: v1 is unimplemented, falling back to v1alpha")
            version = .v1alpha
            do {
                return try await send(request, version: .v1alpha)
            } catch let error as RPCError where error.code == .unimplemented {
                throw ReflectionFailure(
                    code: .unimplemented,
                    message:
                        "the server does not offer server reflection (grpc.reflection.v1 or v1alpha): \(error.message)")
            }
        }
    }

    private func send(_ request: JSONObject, version: ReflectionVersion) async throws -> JSONValue {
        let pool = BuiltinDescriptors.pool
        let bytes = try codec.encode(
            .object(request), messageType: version.package + ".ServerReflectionRequest", pool: pool)
        let answer: RawProtoMessage? = try await client.bidirectionalStreaming(
            version.method, requestType: RawProtoMessage.self, responseType: RawProtoMessage.self, options: options,
            requests: { writer in try await writer.write(RawProtoMessage(bytes: bytes)) },
            onResponse: { responses in
                for try await response in responses { return response }
                return nil
            })
        guard let answer else {
            throw ReflectionFailure(code: .internal, message: "the server ended the reflection call without answering")
        }
        let response = try codec.decode(
            answer.bytes, messageType: version.package + ".ServerReflectionResponse", pool: pool)
        if let error = response["errorResponse"] {
            let code = error["errorCode"].flatMap { Int($0.plainNumber) } ?? StatusCode.unknown.rawValue
            throw ReflectionFailure(
                code: StatusCode(rawValue: code), message: error["errorMessage"]?.stringValue ?? "reflection failed")
        }
        return response
    }
}

/// A reflection request the server answered with an error_response (or a malformed answer).
struct ReflectionFailure: Error, CustomStringConvertible {
    var code: StatusCode
    var message: String

    var description: String { "\(code.name): \(message)" }
}

extension JSONValue {
    /// The literal of a number value, or the text of a string, for reading integers out of decoded JSON.
    var plainNumber: String {
        switch self {
        case .number(let text), .string(let text): text
        default: ""
        }
    }
}
