import ArgumentParser
import Foundation
import Logging
import PortRPC

/// The options every service benchmark takes (timing, storage, servers, report), with their checks: `@OptionGroup`
/// them into a benchmark command.
public struct BenchRunOptions: ParsableArguments {
    @Option(help: "Measured seconds per phase.")
    public var duration = 6.0

    @Option(help: "Warm-up seconds before each phase's measured window.")
    public var warmup = 1.0

    @Option(help: "Rounds (each runs every phase).")
    public var rounds = 3

    @Option(
        name: .customLong("postgres-url"),
        help: "Run on PostgreSQL (a libpq URL; default: CYBERPORT_TEST_POSTGRES_URL if set, else SQLite). Fresh schemas, dropped at the end.")
    public var postgresURL: String?

    @Flag(name: .customLong("sqlite"), help: "Run on SQLite even when CYBERPORT_TEST_POSTGRES_URL is set.")
    public var forceSQLite = false

    @Option(name: .customLong("pool-size"), help: "PostgreSQL connections per service (the services' default).")
    public var poolSize = 8

    @Option(name: .customLong("server-threads"), help: "Event-loop threads of each gRPC server (default: one per core, as in production).")
    public var serverThreads: Int?

    @Option(name: .customLong("results-dir"), help: "Directory the markdown report is written to.")
    public var resultsDirectory = "Benchmarks/results"

    @Option(name: .customLong("work-dir"), help: "Existing directory for the SQLite databases (default: a new directory under /tmp, deleted at the end).")
    public var workDirectory: String?

    @Option(help: "Commit to name in the report (the Benchmarks/ script passes it).")
    public var commit: String?

    @Option(help: "Toolchain to name in the report (the Benchmarks/ script passes `swift --version`).")
    public var toolchain: String?

    @Option(name: .customLong("log-level"), help: "Log level of the services and the clients (default warning).")
    public var logLevel = "warning"

    public init() {}

    public func validate() throws {
        guard duration >= 0.5, duration <= 120 else { throw ValidationError("--duration must be within 0.5…120 s") }
        guard warmup >= 0, warmup <= 30 else { throw ValidationError("--warmup must be within 0…30 s") }
        guard (1...20).contains(rounds) else { throw ValidationError("--rounds must be within 1…20") }
        guard (1...64).contains(poolSize) else { throw ValidationError("--pool-size must be within 1…64") }
        if let serverThreads, !(1...64).contains(serverThreads) { throw ValidationError("--server-threads must be within 1…64") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if forceSQLite && postgresURL != nil { throw ValidationError("--sqlite and --postgres-url exclude each other") }
    }

    /// The PostgreSQL URL to run on, nil for SQLite.
    public var postgres: String? {
        if forceSQLite { return nil }
        if let postgresURL, !postgresURL.isEmpty { return postgresURL }
        let variable = ProcessInfo.processInfo.environment["CYBERPORT_TEST_POSTGRES_URL"] ?? ""
        return variable.isEmpty ? nil : variable
    }

    /// Event-loop threads per server: the option, else the servers' default.
    public var resolvedServerThreads: Int { serverThreads ?? ServerConfiguration().threads }

    /// Where the services keep their data: PostgreSQL when configured, else SQLite files (a temporary directory named
    /// after `tool` unless --work-dir is given).
    public func storage(tool: String) throws -> BenchStorage {
        if let postgres { return .postgres(url: postgres, poolSize: poolSize) }
        return try .sqlite(workDirectory: workDirectory, tool: tool)
    }

    /// The --log-level.
    public var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .warning }

    /// Logs to standard error at --log-level.
    public func bootstrapLogging() {
        let level = self.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
