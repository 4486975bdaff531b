import ArgumentParser
import Foundation
import PortDescriptors
import PortRPC

/// The flags every subcommand that calls a service shares: where the server is, the deadline, request metadata,
/// the authorization (--token, $CYBERPORT_TOKEN or the session saved by `cyberport login`) and --verbose.
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

    @Option(help: "Send 'authorization: Bearer TOKEN' (default: $CYBERPORT_TOKEN, else the saved login session).")
    var token: String?

    @Flag(help: "Do not use (or refresh) the session saved by `cyberport login`.")
    var noSession = false

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
    var resolvedAddress: String { Self.serverAddress(address) }

    /// `explicit` (an --address), else $CYBERPORT_ADDRESS, else the default.
    static func serverAddress(_ explicit: String?) -> String {
        if let explicit { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_ADDRESS"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return defaultAddress
    }

    /// The bearer token given explicitly: --token or $CYBERPORT_TOKEN.
    var explicitToken: String? {
        if let token, !token.isEmpty { return token }
        if let fromEnvironment = ProcessInfo.processInfo.environment["CYBERPORT_TOKEN"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return nil
    }

    /// The --timeout (validated already).
    var duration: Duration? { timeout.flatMap(DurationText.parse) }

    /// The token for the calls and, when it is the saved session's, that session (renewed if it was about to
    /// expire). Precedence: --token, $CYBERPORT_TOKEN, the session file (unless --no-session or an explicit
    /// `-H authorization:…`).
    func authorization() async -> Authorization {
        if let token = explicitToken { return Authorization(token: token, session: nil) }
        guard !noSession, callOptions(token: nil).metadata["authorization"] == nil else {
            return Authorization(token: nil, session: nil)
        }
        let store: SessionStore
        do { store = try SessionStore.locate() } catch {
            log("no session: \(error)")
            return Authorization(token: nil, session: nil)
        }
        let authorizer = SessionAuthorizer(store: store, timeout: duration ?? .seconds(10), verbose: verbose)
        let session = await authorizer.session()
        return Authorization(token: session?.accessToken, session: session)
    }

    /// Deadline and metadata for the calls with `token` as bearer (headers are validated already, so parsing
    /// cannot fail here).
    func callOptions(token: String?) -> CallOptions {
        var metadata = Metadata()
        for header in headers { try? HeaderText.add(header, to: &metadata) }
        if let token { metadata.add("authorization", "Bearer \(token)") }
        return CallOptions(timeout: duration, metadata: metadata)
    }

    /// Resolves the authorization, connects to --address, runs `body` with the client, closes the connection and
    /// turns errors into the client's output and exit code. `body` takes its call options from the session and may
    /// store the descriptors it fetched there, for decoding error details.
    func withClient(_ body: (RPCClient, ClientSession) async throws -> Void) async throws {
        try await withClient(at: resolvedAddress, authorization: await authorization(), body)
    }

    /// `withClient` for a given address and an authorization resolved already.
    func withClient(
        at address: String, authorization: Authorization, _ body: (RPCClient, ClientSession) async throws -> Void
    ) async throws {
        let session = ClientSession(callOptions: callOptions(token: authorization.token))
        let client: RPCClient
        do {
            client = try RPCClient(target: address)
        } catch {
            throw ExitCode(ErrorReport.report(error, pool: nil, verbose: verbose))
        }
        log("connecting to \(address)")
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

/// Where a command's bearer token came from.
struct Authorization: Sendable {
    /// The token to send, if any.
    var token: String?
    /// The saved session it belongs to (nil for --token and $CYBERPORT_TOKEN).
    var session: StoredSession?
}

/// One connection's call settings, and what a subcommand learned while talking to the server that error reporting
/// can use.
final class ClientSession {
    /// Deadline and metadata (including the authorization) of the calls.
    let callOptions: CallOptions
    /// The descriptors fetched by reflection, for decoding google.rpc.Status details.
    var pool: DescriptorPool?

    init(callOptions: CallOptions) {
        self.callOptions = callOptions
    }

    /// Reflection lookups get the --timeout too, or 10 seconds so a silent server cannot hang the client.
    var reflectionOptions: CallOptions {
        CallOptions(timeout: callOptions.timeout ?? .seconds(10), metadata: callOptions.metadata)
    }
}
