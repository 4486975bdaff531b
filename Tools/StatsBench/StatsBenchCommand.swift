import ArgumentParser
import BenchKit
import Foundation
import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortStore

#if canImport(Glibc)
import Glibc
#endif

/// `port-stats-bench`: how long Stats takes to build a year's statistical tables for a port with 100,000 cargo
/// lines, on SQLite and (with --postgres-url) PostgreSQL, against a same-run reference. Not a test: run it by hand
/// (Benchmarks/stats.sh).
@main
struct StatsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port-stats-bench",
        abstract: "Benchmark Stats: building a year's survey tables from approved submissions.",
        discussion: """
            Starts Stats in-process on each backend (a real gRPC server on 127.0.0.1), loads
            a year of survey submissions for one 甲種 port through SubmitSurvey and approves
            them (--lines cargo lines over 12 months × --respondents), then measures per round:
              annual     the five annual tables (StreamStatisticalTable, month 0)
              year       all 65 tables of the year (months 1–12 and the annual ones)
              csv        ExportStatisticalTableCsv of the annual cargo table (table 3)
              reference  one SQL pass over the approved cargo lines (COUNT, SUM of freight
                         tons) on the same database: the floor the tables are compared with
            Writes <results-dir>/stats-<UTC time>.md and prints it.
            """)

    @Option(help: "Cargo lines in the year.")
    var lines = 100_000

    @Option(help: "Respondents per month (submissions = 12 × respondents).")
    var respondents = 10

    @Option(help: "Measured rounds per backend.")
    var rounds = 5

    @Option(name: .customLong("postgres-url"), help: "PostgreSQL URL; when set, the bench also runs on PostgreSQL (in a schema of its own, dropped at the end).")
    var postgresURL: String?

    @Option(name: .customLong("server-threads"), help: "Event-loop threads of the gRPC server.")
    var serverThreads = 2

    @Option(name: .customLong("results-dir"), help: "Directory the markdown report is written to.")
    var resultsDirectory = "Benchmarks/results"

    @Option(name: .customLong("work-dir"), help: "Existing directory for the SQLite database (default: a new directory under /tmp, deleted at the end).")
    var workDirectory: String?

    @Option(help: "Commit to name in the report.")
    var commit: String?

    @Option(help: "Toolchain to name in the report.")
    var toolchain: String?

    func run() async throws {
        let logger = Self.quietLogger()
        let started = Date()
        var sections: [BackendResult] = []

        let directory = workDirectory ?? NSTemporaryDirectory() + "port-stats-bench-\(UUID().uuidString.prefix(8))"
        let ownDirectory = workDirectory == nil
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/stats.sqlite3"
        sections.append(try await measure(
            "SQLite", .sqlite(path: path), logger: logger,
            cleanup: {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                if ownDirectory { try? FileManager.default.removeItem(atPath: directory) }
            }))
        if let postgresURL {
            let schema = "stats_bench_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))"
            sections.append(try await measure(
                "PostgreSQL", .postgres(url: postgresURL, schema: schema, poolSize: 4), logger: logger,
                cleanup: { await Self.drop(schema: schema, url: postgresURL, logger: logger) }))
        }
        let report = BenchReport(
            started: started, lines: lines, respondents: respondents, rounds: rounds, serverThreads: serverThreads,
            commit: commit ?? "unknown", toolchain: toolchain ?? "unknown", sections: sections)
        let text = report.markdown()
        try FileManager.default.createDirectory(atPath: resultsDirectory, withIntermediateDirectories: true)
        let file = "\(resultsDirectory)/stats-\(UTCTime.stamp(started)).md"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        print(text)
        FileHandle.standardError.write(Data("wrote \(file)\n".utf8))
    }

    private func measure(
        _ name: String, _ configuration: DatabaseConfiguration, logger: Logger, cleanup: @escaping @Sendable () async -> Void
    ) async throws -> BackendResult {
        FileHandle.standardError.write(Data("== \(name): loading \(lines) cargo lines\n".utf8))
        let fixture = try await StatsBenchFixture.start(configuration, serverThreads: serverThreads, logger: logger, cleanup: cleanup)
        do {
            let result = try await BenchPhases(fixture: fixture, lines: lines, respondents: respondents, rounds: rounds)
                .run(backend: name)
            await fixture.stop()
            return result
        } catch {
            await fixture.stop()
            throw error
        }
    }

    private static func quietLogger() -> Logger {
        var logger = Logger(label: "port-stats-bench")
        logger.logLevel = .error
        return logger
    }

    private static func drop(schema: String, url: String, logger: Logger) async {
        do {
            let helper = "\(schema)_drop"
            let database = try await Database.open(.postgres(url: url, schema: helper, poolSize: 1), migrations: [], logger: logger)
            _ = try? await database.write { session in
                try session.execute("DROP SCHEMA IF EXISTS \"\(schema)\", \"\(helper)\" CASCADE", [])
            }
            await database.close()
        } catch {
            FileHandle.standardError.write(Data("warning: could not drop schema \(schema): \(error)\n".utf8))
        }
    }
}
