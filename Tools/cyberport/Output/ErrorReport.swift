import PortDescriptors
import PortRPC

/// The process exit codes of failures that did not come from the server. RPC failures exit with their status code
/// (1–16), so scripts can tell NOT_FOUND (5) from UNAVAILABLE (14).
enum LocalExitCode {
    /// Invalid request JSON, or JSON that does not fit the request type.
    static let dataError: Int32 = 65
    /// Bad usage found after parsing (e.g. an unset variable a flag refers to).
    static let usage: Int32 = 64
    /// A request file, password or API key could not be read.
    static let noInput: Int32 = 66
    /// `health`: the service is not SERVING.
    static let notServing: Int32 = 69
    /// Anything unexpected.
    static let software: Int32 = 70
    /// The session file could not be written.
    static let cannotCreate: Int32 = 73
    /// The server's answer could not be understood (a response that does not decode, malformed reflection data).
    static let protocolError: Int32 = 76
}

/// A failure of the client itself, with the exit code it maps to.
struct CLIFailure: Error, CustomStringConvertible {
    var message: String
    var exitCode: Int32

    init(_ message: String, exitCode: Int32 = LocalExitCode.software) {
        self.message = message
        self.exitCode = exitCode
    }

    var description: String { message }
}

/// Prints errors to standard error in the client's format and picks the exit code:
/// `ERROR <CODE_NAME>: message` (plus decoded google.rpc.Status details) for RPC failures, `error: …` for local ones.
enum ErrorReport {
    static func report(_ error: any Error, pool: DescriptorPool?, verbose: Bool) -> Int32 {
        switch error {
        case let error as RPCError:
            Console.error("ERROR " + (error.message.isEmpty ? error.code.name : "\(error.code.name): \(error.message)"))
            if let details = error.details { reportDetails(details, pool: pool ?? BuiltinDescriptors.pool) }
            if verbose { MetadataPrinter.print(error.trailingMetadata, prefix: "< trailer") }
            return exitCode(for: error.code)
        case let error as ReflectionFailure:
            Console.error("ERROR \(error.code.name): \(error.message) (server reflection)")
            return exitCode(for: error.code)
        case let error as CLIFailure:
            Console.error("error: \(error.message)")
            return error.exitCode
        case let error as ProtoJSONError:
            Console.error("error: invalid request: \(error)")
            return LocalExitCode.dataError
        case let error as JSONParseError:
            Console.error("error: request is not valid JSON: \(error.description)")
            return LocalExitCode.dataError
        case let error as RequestInput.Failure:
            Console.error("error: \(error.description)")
            return LocalExitCode.noInput
        default:
            Console.error("error: \(error)")
            return LocalExitCode.software
        }
    }

    /// Status codes 1–16 become the exit code; anything else (which cannot be OK here) exits with UNKNOWN's 2.
    static func exitCode(for code: StatusCode) -> Int32 {
        (1...16).contains(code.rawValue) ? Int32(code.rawValue) : Int32(StatusCode.unknown.rawValue)
    }

    /// Prints the details of a google.rpc.Status from grpc-status-details-bin as JSON.
    private static func reportDetails(_ bytes: [UInt8], pool: DescriptorPool) {
        do {
            let status = try ProtoJSONCodec().decode(bytes, messageType: BuiltinDescriptors.statusType, pool: pool)
            guard let details = status["details"], details != .array([]) else { return }
            Console.error("details: " + JSONSerializer(style: .pretty).string(details))
        } catch {
            Console.error("details (google.rpc.Status, base64): \(Base64.encode(bytes)) — \(error)")
        }
    }
}
