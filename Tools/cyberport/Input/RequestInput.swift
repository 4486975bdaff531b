import Foundation
import PortDescriptors

/// Where the request JSON of `cyberport call` comes from: `--data JSON`, `--data @file`, `--data @-` or standard
/// input. With no `--data` and a terminal on standard input, single-request methods send `{}`.
enum RequestInput: Sendable {
    case text([UInt8])
    case standardInput
    case emptyRequest

    /// Why the request input could not be read.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func from(data: String?) throws(Failure) -> RequestInput {
        guard let data else { return isatty(STDIN_FILENO) != 0 ? .emptyRequest : .standardInput }
        guard data.hasPrefix("@") else { return .text(Array(data.utf8)) }
        let path = String(data.dropFirst())
        if path == "-" { return .standardInput }
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read request file \(path)")
        }
        return .text(Array(contents))
    }

    /// The request of a unary or server-streaming call: exactly one JSON value (empty input means `{}`).
    func single() throws -> JSONValue {
        let bytes: [UInt8]
        switch self {
        case .emptyRequest: return .object(JSONObject())
        case .text(let text): bytes = text
        case .standardInput: bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        let values = try JSONParser().parseSequence(bytes)
        switch values.count {
        case 0: return .object(JSONObject())
        case 1: return values[0]
        default:
            throw CLIFailure(
                "this method takes one request, but the input holds \(values.count) JSON values",
                exitCode: LocalExitCode.dataError)
        }
    }

    /// The requests of a client-streaming or bidirectional call: a JSON array of messages or a sequence of JSON
    /// values (newline-delimited JSON). Standard input is read as it arrives, so requests typed interactively are
    /// sent one by one.
    func stream() -> AsyncThrowingStream<JSONValue, any Error> {
        AsyncThrowingStream { continuation in
            switch self {
            case .emptyRequest:
                standardInputHint()
                readLines(into: continuation)
            case .standardInput:
                readLines(into: continuation)
            case .text(let bytes):
                do {
                    for value in try Self.flatten(JSONParser().parseSequence(bytes)) { continuation.yield(value) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    private static func flatten(_ values: [JSONValue]) -> [JSONValue] {
        values.flatMap { $0.arrayValue ?? [$0] }
    }

    private func standardInputHint() {
        Console.error("reading requests from standard input, one JSON object per line; end with Ctrl-D")
    }

    /// Reads standard input on its own thread, yielding values whenever the lines so far parse completely.
    private func readLines(into continuation: AsyncThrowingStream<JSONValue, any Error>.Continuation) {
        let thread = Thread {
            var pending: [UInt8] = []
            while let line = readLine(strippingNewline: false) {
                pending.append(contentsOf: line.utf8)
                if let values = try? JSONParser().parseSequence(pending) {
                    for value in Self.flatten(values) { continuation.yield(value) }
                    pending.removeAll()
                }
            }
            do {
                for value in Self.flatten(try JSONParser().parseSequence(pending)) { continuation.yield(value) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.start()
    }
}
