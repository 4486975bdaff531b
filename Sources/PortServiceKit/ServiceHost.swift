import Dispatch
import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one service process: structured logging, the data directory, the gRPC server with the domain services plus
/// `grpc.health.v1.Health` and server reflection, and a graceful shutdown on SIGTERM or SIGINT.
public struct ServiceHost: Sendable {
    public let settings: ServiceSettings
    public let health = HealthRegistry()
    public let logger: Logger

    /// Installs logging and prepares the data directory (a clear error when it cannot be created).
    public init(settings: ServiceSettings) throws {
        self.settings = settings
        StructuredLogHandler.bootstrap(format: settings.logFormat, level: settings.logLevel)
        self.logger = Logger(label: "cyberport-\(settings.service)")
        try Self.makeDirectory(settings.dataDirectory)
    }

    /// Serves `services` until SIGTERM/SIGINT, then drains within the grace period. `onDrain` runs when draining
    /// starts, before the server waits for running calls (end long-lived streams and background work there).
    public func run(services: [any RPCService], onDrain: @Sendable () async -> Void = {}) async throws {
        // Watch signals before anything starts, so SIGTERM during start-up also ends in a clean exit.
        let signals = SignalWatcher(signals: [SIGTERM, SIGINT])
        let server = makeServer(services: services)
        try await server.start()
        for name in server.serviceNames { health.set(name, .serving) }
        health.set("", .serving)
        logger.info(
            "ready",
            metadata: ["port": "\(server.localPort ?? 0)", "dataDirectory": "\(settings.dataDirectory)"])
        let signal = await signals.next()
        logger.info("signal received; draining", metadata: ["signal": "\(signal)"])
        health.setAll(.notServing)
        health.close()
        await onDrain()
        await server.shutdown()
    }

    /// The server with the standard services added (also used by tests that run services in-process).
    public func makeServer(services: [any RPCService]) -> RPCServer {
        let names = services.map { type(of: $0).serviceName } + [
            HealthService.serviceName, ReflectionService.serviceName, ReflectionService.v1alphaServiceName,
        ]
        let all: [any RPCService] = services + [HealthService(registry: health), ReflectionService(serviceNames: names)]
        return RPCServer(services: all, configuration: settings.server, logger: logger)
    }

    /// Opens the configured database and applies pending migrations; a missing or unreachable database is a
    /// `ServiceStartupError` that says what failed (passwords redacted).
    public func openDatabase(migrations: [Migration]) async throws -> Database {
        do {
            return try await Database.open(settings.database, migrations: migrations, logger: logger)
        } catch let error as StoreError {
            throw ServiceStartupError("database: \(error)")
        }
    }

    static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/\(component)"
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw ServiceStartupError("cannot create data directory \(path): \(String(cString: strerror(errno)))")
            }
        }
        guard access(path, W_OK) == 0 else {
            throw ServiceStartupError("data directory \(path) is not writable")
        }
    }
}

/// A start-up failure with a message for the operator.
public struct ServiceStartupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Waits for process signals (the default handlers are replaced while it exists).
final class SignalWatcher {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32]) {
        let (stream, continuation) = AsyncStream.makeStream(of: Int32.self)
        self.stream = stream
        self.sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func next() async -> Int32 {
        for await number in stream { return number }
        return SIGTERM
    }
}
