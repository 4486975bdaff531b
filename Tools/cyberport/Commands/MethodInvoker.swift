import PortDescriptors
import PortProtocol
import PortRPC
import Synchronization

/// Performs one call of any streaming shape with raw protobuf bytes: requests come from ``RequestInput`` through
/// ``RequestEncoder``, responses go to ``ResponsePrinter``; --verbose adds response headers and trailers.
struct MethodInvoker {
    let client: RPCClient
    let method: RPCMethod
    let descriptor: MethodDescriptor
    let options: CallOptions
    let verbose: Bool
    let requests: RequestEncoder
    let printer: ResponsePrinter

    func run(_ input: RequestInput) async throws {
        switch (descriptor.clientStreaming, descriptor.serverStreaming) {
        case (false, false):
            let request = try requests.encode(try input.single(), index: nil)
            let response = try await client.unaryCall(
                method, request: request, responseType: RawProtoMessage.self, options: options)
            printHeaders(response.initialMetadata)
            try printer.print(response.message)
            printTrailers(response.trailingMetadata)
        case (false, true):
            let request = try requests.encode(try input.single(), index: nil)
            try await client.serverStreaming(
                method, request: request, responseType: RawProtoMessage.self, options: options
            ) { responses in
                try await printAll(responses)
            }
        case (true, false):
            let stream = input.stream()
            let encoder = requests
            let failure = RequestFailure()
            let response = try await failure.preferred {
                try await client.clientStreaming(
                    method, requestType: RawProtoMessage.self, responseType: RawProtoMessage.self, options: options,
                    requests: { writer in try await failure.recording { try await encoder.send(stream, to: writer) } })
            }
            try printer.print(response)
        case (true, true):
            let stream = input.stream()
            let encoder = requests
            let failure = RequestFailure()
            try await failure.preferred {
                try await client.bidirectionalStreaming(
                    method, requestType: RawProtoMessage.self, responseType: RawProtoMessage.self, options: options,
                    requests: { writer in try await failure.recording { try await encoder.send(stream, to: writer) } },
                    onResponse: { responses in try await printAll(responses) })
            }
        }
    }

    /// Prints each response as it arrives; --verbose metadata follows the stream (the stream's metadata is
    /// complete once it has ended).
    private func printAll(_ responses: ClientResponseStream<RawProtoMessage>) async throws {
        for try await response in responses { try printer.print(response) }
        printHeaders(await responses.initialMetadata())
        printTrailers(await responses.trailingMetadata())
    }

    private func printHeaders(_ metadata: Metadata) {
        if verbose { MetadataPrinter.print(metadata, prefix: "< header") }
    }

    private func printTrailers(_ metadata: Metadata) {
        if verbose { MetadataPrinter.print(metadata, prefix: "< trailer") }
    }
}

/// Transcodes request JSON into protobuf bytes of the method's input type.
struct RequestEncoder: Sendable {
    let pool: DescriptorPool
    let typeName: String
    let codec = ProtoJSONCodec()

    /// `index` numbers the requests of a stream in error messages.
    func encode(_ json: JSONValue, index: Int?) throws -> RawProtoMessage {
        do {
            return RawProtoMessage(bytes: try codec.encode(json, messageType: typeName, pool: pool))
        } catch {
            let which = index.map { "request #\($0 + 1)" } ?? "request"
            throw CLIFailure("invalid \(which) for \(typeName): \(error)", exitCode: LocalExitCode.dataError)
        }
    }

    /// Encodes and writes every request of the stream, in order.
    func send(
        _ stream: AsyncThrowingStream<JSONValue, any Error>, to writer: ClientRequestWriter<RawProtoMessage>
    ) async throws {
        var index = 0
        do {
            for try await json in stream {
                try await writer.write(try encode(json, index: index))
                index += 1
            }
        } catch let error as JSONParseError {
            throw CLIFailure("request #\(index + 1) is not valid JSON: \(error)", exitCode: LocalExitCode.dataError)
        }
    }
}

/// Prints responses as JSON, indented or one per line.
struct ResponsePrinter {
    let pool: DescriptorPool
    let typeName: String
    let codec: ProtoJSONCodec
    let compact: Bool

    func print(_ message: RawProtoMessage) throws {
        let json: JSONValue
        do {
            json = try codec.decode(message.bytes, messageType: typeName, pool: pool)
        } catch {
            throw CLIFailure(
                "cannot decode the response as \(typeName): \(error)", exitCode: LocalExitCode.protocolError)
        }
        Console.output(JSONSerializer(style: compact ? .compact : .pretty).string(json))
    }
}

/// Remembers why the request side of a streaming call failed (bad JSON, a request that does not fit the type), so
/// that the user sees that error rather than the cancellation it caused.
final class RequestFailure: Sendable {
    private let error = Mutex<(any Error)?>(nil)

    /// Runs the request writer, recording its error.
    func recording(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            self.error.withLock { $0 = $0 ?? error }
            throw error
        }
    }

    /// Runs the call; if it fails after the request writer failed, throws the writer's error instead.
    func preferred<R>(_ call: () async throws -> R) async throws -> R {
        do {
            return try await call()
        } catch {
            if let requestError = self.error.withLock({ $0 }) { throw requestError }
            throw error
        }
    }
}
