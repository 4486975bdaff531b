import ArgumentParser
import PortRPC

/// The flags of the commands that talk only to the Identity service (`login`, `logout`): its address, the deadline
/// and --verbose.
struct IdentityOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Identity service address host:port (default: $CYBERPORT_IDENTITY_ADDRESS, else --address, else "
                + "$CYBERPORT_ADDRESS, else \(ConnectionOptions.defaultAddress)).",
            valueName: "address"))
    var identity: String?

    @Option(
        help: "Server address host:port: the Identity service's unless --identity or $CYBERPORT_IDENTITY_ADDRESS is set.")
    var address: String?

    @Option(help: "Deadline of each call, e.g. 5s, 250ms, 2m (default: 30s).")
    var timeout: String?

    @Flag(help: "Print progress on standard error.")
    var verbose = false

    func validate() throws {
        if let timeout, DurationText.parse(timeout) == nil {
            throw ValidationError("--timeout \(timeout) is not a duration like 5s, 250ms or 2m")
        }
    }

    /// The Identity service to log in at.
    var resolvedAddress: String {
        IdentityConnection.address(explicit: identity, fallback: ConnectionOptions.serverAddress(address))
    }

    /// The deadline of the calls (no metadata: these calls carry no token unless one is added).
    var callOptions: CallOptions { CallOptions(timeout: timeout.flatMap(DurationText.parse) ?? .seconds(30)) }

    /// Runs `body`, turning its errors into the client's error output and exit code.
    func reporting(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw ExitCode(ErrorReport.report(error, pool: nil, verbose: verbose))
        }
    }

    /// Prints a progress line on standard error when --verbose is set.
    func log(_ text: String) {
        if verbose { Console.error("* " + text) }
    }
}
