import ArgumentParser
import Foundation
import PortDescriptors
import PortRPC

/// The flags every subcommand shares: where the server is, the deadline, request metadata and --verbose.
struct ConnectionOptions: ParsableArguments {
    static let defaultAddress = "127.0.0.1:50051"

    @Option(help: "Server address host:port (default: $CYBERPORT_ADDRESS, else \(defaultAddress)).")
    var address: String?

    @Option(help: "Deadline of each call, e.g. 5s, 1.5s, 250ms, 2m (default: none).")
    var timeout: String?

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp(
            "Request metadata name:value; repeatable. Values of names ending in -bin are base64.",
            valueName: "name:value"))
    var headers: [String] = []

    @Option(help: "Send 'authorization: Bearer TOKEN' (default: $CYBERPORT_TOKEN).")
    var token: String?

    @Flag(help: "Print response headers and trailers (and reflection steps) on standard error.")
    var verbose = false

    func validate() throws {
        if let timeout, DurationText.parse(timeout) == nil {
            throw ValidationError("--timeout \(timeout) is not a duration like 5s, 250ms or 2m")
        }
        var metadata = Metadata()
        for header in headers {
            do { try HeaderText.add(header, to: &metadata) } catch { throw ValidationError(error.description) }
        }
    }

    /// The address to dial: --address, $CYBERPORT_ADDRESS or the default.
    var resolvedAddress: String {
        if let address { return address }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_ADDRESS"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return Self.defaultAddress
    }

    /// The bearer token: --token or $CYBERPORT_TOKEN.
    var resolvedToken: String? {
        if let token, !token.isEmpty { return token }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_TOKEN"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return nil
    }

    /// Deadline and metadata for the calls (validated already, so parsing cannot fail here).
    var callOptions: CallOptions {
        var metadata = Metadata()
        for header in headers { try? HeaderText.add(header, to: &metadata) }
        if let token = resolvedToken { metadata.add("authorization", "Bearer \(token)") }
        return CallOptions(timeout: timeout.flatMap(DurationText.parse), metadata: metadata)
    }

    /// Reflection lookups get the --timeout too, or 10 seconds so a silent server cannot hang the client.
    var reflectionOptions: CallOptions {
        let options = callOptions
        return CallOptions(timeout: options.timeout ?? .seconds(10), metadata: options.metadata)
    }

    /// Connects, runs `body` with the client, closes the connection and turns errors into the client's output and
    /// exit code. `body` may store the descriptors it fetched in the session, for decoding error details.
    func withClient(_ body: (RPCClient, ClientSession) async throws -> Void) async throws {
        let session = ClientSession()
        let client: RPCClient
        do {
            client = try RPCClient(target: resolvedAddress)
        } catch {
            throw ExitCode(ErrorReport.report(error, pool: nil, verbose: verbose))
        }
        log("connecting to \(resolvedAddress)")
        do {
            try await body(client, session)
            await client.close()
        } catch let exit as ExitCode {
            await client.close()
            throw exit
        } catch {
            await client.close()
            throw ExitCode(ErrorReport.report(error, pool: session.pool, verbose: verbose))
        }
    }

    /// Prints a progress line on standard error when --verbose is set.
    func log(_ text: String) {
        if verbose { Console.error("* " + text) }
    }
}

/// What a subcommand learned while talking to the server that error reporting can use.
final class ClientSession {
    /// The descriptors fetched by reflection, for decoding google.rpc.Status details.
    var pool: DescriptorPool?
}
