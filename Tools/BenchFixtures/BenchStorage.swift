import Foundation
import Logging
import PortStore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a benchmark's databases live, and their removal at the end: SQLite files in a directory (a new temporary one,
/// or one the caller gives), or fresh, randomly named schemas of a PostgreSQL database.
public final class BenchStorage: Sendable {
    /// The two kinds of storage.
    public enum Kind: Sendable {
        /// `<directory>/<name>.sqlite3`; `ownsDirectory`: made here, deleted at the end.
        case sqlite(directory: String, ownsDirectory: Bool)
        /// Schema `<name>_bench_<random>` of the database at `url`, `poolSize` connections per service.
        case postgres(url: String, poolSize: Int)
    }

    public let kind: Kind
    private let suffix: String
    /// The databases handed out, by name.
    private let names = Mutex<[String]>([])

    private init(kind: Kind) {
        self.kind = kind
        suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// SQLite files in `workDirectory`, or in a new directory under /tmp named after `tool` (deleted at the end).
    public static func sqlite(workDirectory: String?, tool: String) throws -> BenchStorage {
        if let workDirectory { return BenchStorage(kind: .sqlite(directory: workDirectory, ownsDirectory: false)) }
        var template = Array("/tmp/\(tool).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return BenchStorage(kind: .sqlite(directory: String(cString: made), ownsDirectory: true))
    }

    /// Fresh schemas of the PostgreSQL database at `url` (a libpq URL), dropped at the end.
    public static func postgres(url: String, poolSize: Int) -> BenchStorage {
        BenchStorage(kind: .postgres(url: url, poolSize: poolSize))
    }

    public var backend: DatabaseBackend {
        switch kind {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// The configuration of the database called `name` ("identity", "deals").
    public func configuration(for name: String) -> DatabaseConfiguration {
        names.withLock { if !$0.contains(name) { $0.append(name) } }
        switch kind {
        case .sqlite(let directory, _):
            return .sqlite(path: "\(directory)/\(name).sqlite3")
        case .postgres(let url, let poolSize):
            return .postgres(url: url, schema: schema(for: name), poolSize: poolSize)
        }
    }

    /// Opens (creating and migrating) the database called `name`.
    public func open(_ name: String, migrations: [Migration], logger: Logger) async throws -> Database {
        try await Database.open(configuration(for: name), migrations: migrations, logger: logger)
    }

    /// How the report describes the storage (PostgreSQL passwords hidden).
    public var summary: String {
        switch kind {
        case .sqlite(let directory, let owns):
            return "SQLite (WAL, `synchronous=FULL`), one file per service in \(owns ? "a temporary directory" : directory)"
        case .postgres(let url, let poolSize):
            // The configuration's description hides the password.
            let databases = names.withLock { $0 }.map {
                "`" + DatabaseConfiguration.postgres(url: url, schema: schema(for: $0), poolSize: poolSize).description + "`"
            }
            return "PostgreSQL, a fresh schema per service: " + databases.joined(separator: ", ")
        }
    }

    /// Deletes the SQLite files (and the directory if made here) or drops the PostgreSQL schemas; best effort.
    public func removeAll(logger: Logger) async {
        let handedOut = names.withLock { $0 }
        switch kind {
        case .sqlite(let directory, let owns):
            if owns {
                try? FileManager.default.removeItem(atPath: directory)
            } else {
                for name in handedOut {
                    for suffix in ["", "-wal", "-shm"] { unlink("\(directory)/\(name).sqlite3\(suffix)") }
                }
            }
        case .postgres(let url, _):
            guard !handedOut.isEmpty else { return }
            // Through a helper schema of its own: opening a service's schema without its migrations is refused.
            let helper = "\(schema(for: "cleanup"))"
            let targets = (handedOut.map { schema(for: $0) } + [helper]).map { "\"\($0)\"" }.joined(separator: ", ")
            do {
                let database = try await Database.open(
                    .postgres(url: url, schema: helper, poolSize: 1), migrations: [], logger: logger)
                do {
                    try await database.write { session in
                        try session.execute("DROP SCHEMA IF EXISTS \(targets) CASCADE", [])
                    }
                } catch {
                    logger.warning("could not drop the benchmark schemas \(targets): \(error)")
                }
                await database.close()
            } catch {
                logger.warning("could not drop the benchmark schemas \(targets): \(error)")
            }
        }
    }

    private func schema(for name: String) -> String { "\(name)_bench_\(suffix)" }
}
