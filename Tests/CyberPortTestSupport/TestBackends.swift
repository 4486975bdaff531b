import Foundation
import Logging
import PortStore
import Testing

/// The storage backends the Identity and Deals suites run on: SQLite always, PostgreSQL when `CYBERPORT_TEST_POSTGRES_URL` is
/// set (each test then gets its own fresh, randomly named schema, dropped at the end).
public enum TestBackend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    public static let postgresURLVariable = "CYBERPORT_TEST_POSTGRES_URL"

    /// The PostgreSQL connection URL for tests, nil when PostgreSQL tests are off.
    public static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment[postgresURLVariable], !url.isEmpty else { return nil }
        return url
    }

    /// The backends to run on in this environment.
    public static var available: [TestBackend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    public var testDescription: String { rawValue }
}

/// A fresh database for one test: a temporary SQLite file or a random PostgreSQL schema. `open()` may be called again
/// after closing (to restart a service on the same data); `destroy()` removes everything. `prefix` names the suite
/// that owns it: the SQLite directory is "{prefix}-tests-…" and the PostgreSQL schema "{prefix}_test_…".
public struct TestDatabase: Sendable {
    public let backend: TestBackend
    public let configuration: DatabaseConfiguration
    private let directory: String?
    private let schema: String?

    public init(_ backend: TestBackend, prefix: String = "identity") throws {
        self.backend = backend
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("\(prefix)-tests-\(suffix)", isDirectory: true).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            self.directory = directory
            self.schema = nil
            configuration = .sqlite(path: directory + "/identity.sqlite")
        case .postgres:
            guard let url = TestBackend.postgresURL else {
                throw TestSetupError("\(TestBackend.postgresURLVariable) is not set")
            }
            let schema = "\(prefix)_test_\(suffix)"
            self.directory = nil
            self.schema = schema
            configuration = .postgres(url: url, schema: schema, poolSize: 4)
        }
    }

    /// Opens (and migrates) the database.
    public func open(migrations: [Migration], logger: Logger = TestLog.quiet) async throws -> Database {
        try await Database.open(configuration, migrations: migrations, logger: logger)
    }

    /// Drops the PostgreSQL schema or deletes the SQLite files (best effort: a failure here must not hide the
    /// test's own result).
    public func destroy() async {
        if let directory {
            try? FileManager.default.removeItem(atPath: directory)
        }
        if let schema, let url = TestBackend.postgresURL {
            // Through a helper schema of its own: opening the test schema without its migrations would be refused.
            let helper = "\(schema)_drop"
            do {
                let database = try await Database.open(
                    .postgres(url: url, schema: helper, poolSize: 1), migrations: [], logger: TestLog.quiet)
                do {
                    try await database.write { session in
                        try session.execute("DROP SCHEMA IF EXISTS \"\(schema)\", \"\(helper)\" CASCADE", [])
                    }
                } catch {
                    print("warning: could not drop test schema \(schema): \(error)")
                }
                await database.close()
            } catch {
                print("warning: could not drop test schema \(schema): \(error)")
            }
        }
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

public enum TestLog {
    /// A logger that only reports errors (the suite's output stays readable).
    public static var quiet: Logger {
        var logger = Logger(label: "identity-tests")
        logger.logLevel = .error
        return logger
    }
}
