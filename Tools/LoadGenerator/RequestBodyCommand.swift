import ArgumentParser
import PortProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `port-load request-body`: writes one gRPC-framed SimpleRequest (5-byte prefix + message), the body h2load
/// sends for each unary call (`h2load -d FILE`).
struct RequestBodyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request-body",
        abstract: "Write a gRPC-framed grpc.testing.SimpleRequest to a file (for h2load -d).")

    @Option(help: "Payload bytes in the request.")
    var requestSize = 0

    @Option(help: "response_size asked of the server.")
    var responseSize = 16

    @Option(help: "File to write.")
    var output: String

    func validate() throws {
        guard (0...(1 << 24)).contains(requestSize), (0...(1 << 24)).contains(responseSize) else {
            throw ValidationError("sizes must be between 0 and 16 MiB")
        }
    }

    func run() throws {
        let message = Workload(requestSize: requestSize, responseSize: responseSize).request.serializedBytes()
        let length = UInt32(message.count)
        var framed: [UInt8] = [0, UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff),
            UInt8(length & 0xff)]
        framed += message
        guard let file = fopen(output, "wb") else { throw ValidationError("cannot open \(output)") }
        defer { fclose(file) }
        guard fwrite(framed, 1, framed.count, file) == framed.count else {
            throw ValidationError("cannot write \(output)")
        }
    }
}
