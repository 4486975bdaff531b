import ArgumentParser
import Logging
import PortRPC
import PortStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Command-line options every service executable accepts. Each falls back to an environment variable
/// (`CYBERPORT_<SERVICE>_<NAME>`, then `CYBERPORT_<NAME>` except for the port), then to a default.
public struct CommonOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on (env CYBERPORT_HOST; default 127.0.0.1).")
    public var host: String?

    @Option(help: "Port to listen on (env CYBERPORT_<SERVICE>_PORT; 0 picks a free port).")
    public var port: Int?

    @Option(name: .customLong("data-dir"), help: "Directory for the service's data (env CYBERPORT_<SERVICE>_DATA_DIR, or CYBERPORT_DATA_DIR/<service>; default ./data/<service>).")
    public var dataDir: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (env CYBERPORT_LOG_LEVEL).")
    public var logLevel: String?

    @Option(name: .customLong("log-format"), help: "json or text (env CYBERPORT_LOG_FORMAT; default json).")
    public var logFormat: String?

    @Option(name: .customLong("max-receive-message-size"), help: "Largest request message in bytes (default 4194304).")
    public var maxReceiveMessageSize: Int?

    @Option(name: .customLong("max-concurrent-streams"), help: "Concurrent calls per connection (default 100).")
    public var maxConcurrentStreams: Int?

    @Option(name: .customLong("shutdown-grace"), help: "Seconds running calls may take after SIGTERM (default 10).")
    public var shutdownGrace: Double?

    @Option(help: "Event-loop threads (default: one per core).")
    public var threads: Int?

    @Option(name: .customLong("keepalive-time"), help: "Seconds without input after which the server pings a connection (default 7200).")
    public var keepaliveTime: Double?

    @Option(name: .customLong("keepalive-timeout"), help: "Seconds the server waits for the ping's ACK before closing (default 20).")
    public var keepaliveTimeout: Double?

    @Option(name: .customLong("database-url"), help: "PostgreSQL connection URL, e.g. postgresql://user@host:5432/cyberport (env CYBERPORT_<SERVICE>_DATABASE_URL, then CYBERPORT_DATABASE_URL; prefer the environment for passwords). Default: the embedded SQLite database <data-dir>/<service>.sqlite3.")
    public var databaseURL: String?

    @Option(name: .customLong("database-schema"), help: "PostgreSQL schema of this service's tables (env CYBERPORT_<SERVICE>_DATABASE_SCHEMA; default: the service name).")
    public var databaseSchema: String?

    @Option(name: .customLong("database-pool-size"), help: "PostgreSQL connections (env CYBERPORT_DATABASE_POOL_SIZE; default 8).")
    public var databasePoolSize: Int?

    public init() {}

    static func isSQLIdentifier(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...63).contains(bytes.count), !(bytes[0] >= 48 && bytes[0] <= 57) else { return false }
        return bytes.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// Resolves flags, environment and defaults into settings; throws a readable error for invalid values.
    public func resolve(service: String, defaultPort: Int) throws -> ServiceSettings {
        let env = EnvironmentLookup(service: service)
        var settings = ServiceSettings(service: service)
        settings.server.host = host ?? env["HOST"] ?? "127.0.0.1"
        settings.server.port = try port ?? env.int("PORT", generic: false) ?? defaultPort
        guard (0...65535).contains(settings.server.port) else {
            throw ValidationError("port \(settings.server.port) is out of range 0…65535")
        }
        settings.dataDirectory =
            dataDir ?? env.value("DATA_DIR", generic: false)
            ?? env.value("DATA_DIR", genericOnly: true).map { "\($0)/\(service)" } ?? "data/\(service)"
        let levelText = logLevel ?? env["LOG_LEVEL"] ?? "info"
        guard let level = Logger.Level(rawValue: levelText) else {
            throw ValidationError("unknown log level \"\(levelText)\"")
        }
        settings.logLevel = level
        let formatText = logFormat ?? env["LOG_FORMAT"] ?? "json"
        guard let format = LogFormat(rawValue: formatText) else {
            throw ValidationError("unknown log format \"\(formatText)\" (json or text)")
        }
        settings.logFormat = format
        if let size = try maxReceiveMessageSize ?? env.int("MAX_RECEIVE_MESSAGE_SIZE") {
            guard size > 0 else { throw ValidationError("max-receive-message-size must be positive") }
            settings.server.maxReceiveMessageSize = size
        }
        if let streams = try maxConcurrentStreams ?? env.int("MAX_CONCURRENT_STREAMS") {
            guard streams > 0 else { throw ValidationError("max-concurrent-streams must be positive") }
            settings.server.maxConcurrentStreams = streams
        }
        if let grace = try shutdownGrace ?? env.double("SHUTDOWN_GRACE") {
            guard grace >= 0 else { throw ValidationError("shutdown-grace must not be negative") }
            settings.server.shutdownGracePeriod = .milliseconds(Int64(grace * 1000))
        }
        if let seconds = try keepaliveTime ?? env.double("KEEPALIVE_TIME") {
            guard seconds > 0 else { throw ValidationError("keepalive-time must be positive") }
            settings.server.keepalive.time = .milliseconds(Int64(seconds * 1000))
        }
        if let seconds = try keepaliveTimeout ?? env.double("KEEPALIVE_TIMEOUT") {
            guard seconds > 0 else { throw ValidationError("keepalive-timeout must be positive") }
            settings.server.keepalive.timeout = .milliseconds(Int64(seconds * 1000))
        }
        if let threads = try threads ?? env.int("THREADS") {
            guard threads > 0 else { throw ValidationError("threads must be positive") }
            settings.server.threads = threads
        }
        let url = databaseURL ?? env["DATABASE_URL"]
        if let url, !url.isEmpty {
            let schema = databaseSchema ?? env.value("DATABASE_SCHEMA", generic: false) ?? service
            guard Self.isSQLIdentifier(schema) else {
                throw ValidationError("database-schema \"\(schema)\" must be a lowercase SQL identifier")
            }
            let pool = try databasePoolSize ?? env.int("DATABASE_POOL_SIZE") ?? 8
            guard (1...256).contains(pool) else { throw ValidationError("database-pool-size must be within 1…256") }
            settings.database = .postgres(url: url, schema: schema, poolSize: pool)
        } else {
            settings.database = .sqlite(path: "\(settings.dataDirectory)/\(service).sqlite3")
        }
        return settings
    }
}

/// The resolved settings of one service process.
public struct ServiceSettings: Sendable {
    public var service: String
    public var server = ServerConfiguration()
    public var dataDirectory = "data"
    public var logLevel: Logger.Level = .info
    public var logFormat: LogFormat = .json
    /// Where the service keeps its data: SQLite under the data directory unless a PostgreSQL URL is configured.
    public var database: DatabaseConfiguration = .sqlite(path: "data/service.sqlite3")

    public init(service: String) {
        self.service = service
    }
}

/// Reads `CYBERPORT_<SERVICE>_<NAME>` and then `CYBERPORT_<NAME>`.
struct EnvironmentLookup {
    let service: String

    subscript(_ name: String) -> String? { value(name, generic: true) }

    /// Only `CYBERPORT_<NAME>`.
    func value(_ name: String, genericOnly: Bool) -> String? {
        getenv("CYBERPORT_\(name)").map { String(cString: $0) }
    }

    func value(_ name: String, generic: Bool) -> String? {
        let specific = "CYBERPORT_\(service.uppercased())_\(name)"
        if let value = getenv(specific) { return String(cString: value) }
        if generic, let value = getenv("CYBERPORT_\(name)") { return String(cString: value) }
        return nil
    }

    func int(_ name: String, generic: Bool = true) throws -> Int? {
        guard let text = value(name, generic: generic) else { return nil }
        guard let number = Int(text) else { throw ValidationError("environment \(name)=\"\(text)\" is not a whole number") }
        return number
    }

    func double(_ name: String) throws -> Double? {
        guard let text = self[name] else { return nil }
        guard let number = Double(text) else { throw ValidationError("environment \(name)=\"\(text)\" is not a number") }
        return number
    }
}
