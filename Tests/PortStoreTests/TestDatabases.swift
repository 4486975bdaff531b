// The backend matrix for storage tests: copy this file into a service's test target to run its store tests on
// SQLite and PostgreSQL alike.
//
//   @Test(arguments: TestDatabases.all)
//   func createsUser(_ backend: DatabaseBackend) async throws {
//       try await withTestDatabase(backend, migrations: IdentityStore.migrations) { database in … }
//   }
//
// SQLite runs in a file under a fresh temporary directory. PostgreSQL runs when CYBERPORT_TEST_POSTGRES_URL is set
// (scripts/postgres-test-db.sh prints or exports it), each test in its own schema with a random name, dropped at the
// end; without the variable the PostgreSQL test cases are cancelled (reported as skipped) and a note is printed once.
import Foundation
import Logging
import PortStore
import Testing

enum TestDatabases {
    static let postgresURLVariable = "CYBERPORT_TEST_POSTGRES_URL"

    /// Arguments for `@Test(arguments:)`: every backend.
    static let all: [DatabaseBackend] = [.sqlite, .postgres]

    /// The PostgreSQL URL of the test database, or nil when the PostgreSQL runs are off.
    static var postgresURL: String? {
        guard let url = ProcessInfo.processInfo.environment[postgresURLVariable], !url.isEmpty else { return nil }
        return url
    }

    /// A logger that drops everything (tests that check logs pass their own).
    static let quietLogger = Logger(label: "test.store", factory: { _ in SwiftLogNoOpLogHandler() })

    fileprivate static let skipNote: Void = {
        print("note: PostgreSQL tests skipped: set \(postgresURLVariable) (scripts/postgres-test-db.sh prints a URL)")
    }()

    /// Cancels the current test case (reported as skipped) when `backend` is PostgreSQL and no URL is set.
    static func requireAvailable(_ backend: DatabaseBackend) throws {
        if backend == .postgres, postgresURL == nil {
            _ = skipNote
            try Test.cancel("PostgreSQL tests skipped: set \(postgresURLVariable)")
        }
    }
}

/// A fresh, empty database location on one backend: an SQLite file in a new temporary directory, or a PostgreSQL
/// schema with a random name. `open` can be called several times (re-open, concurrent instances); `remove()` deletes
/// the file's directory or drops the schema.
struct ScratchDatabase: Sendable {
    let backend: DatabaseBackend
    let configuration: DatabaseConfiguration
    private let directory: URL?
    private let schema: String?

    /// Cancels the test case when the backend is not available (PostgreSQL without URL).
    init(_ backend: DatabaseBackend, poolSize: Int = 4) throws {
        try TestDatabases.requireAvailable(backend)
        self.backend = backend
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        switch backend {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portstore-\(token)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            self.directory = directory
            self.schema = nil
            configuration = .sqlite(path: directory.appendingPathComponent("test.sqlite").path)
        case .postgres:
            let schema = "test_\(token)"
            self.directory = nil
            self.schema = schema
            configuration = .postgres(url: TestDatabases.postgresURL ?? "", schema: schema, poolSize: poolSize)
        }
    }

    /// The same location with another PostgreSQL pool size (SQLite: unchanged).
    func withPoolSize(_ poolSize: Int) -> DatabaseConfiguration {
        guard case .postgres(let url, let schema, _) = configuration else { return configuration }
        return .postgres(url: url, schema: schema, poolSize: poolSize)
    }

    func open(migrations: [Migration] = [], logger: Logger = TestDatabases.quietLogger) async throws -> Database {
        try await Database.open(configuration, migrations: migrations, logger: logger)
    }

    /// Deletes the SQLite directory or drops the PostgreSQL schema.
    func remove() async {
        if let directory {
            try? FileManager.default.removeItem(at: directory)
        }
        if let schema, case .postgres(let url, _, _) = configuration {
            // A helper schema of its own: opening the scratch schema without its migrations would be refused.
            let helper = "\(schema)_drop"
            let configuration = DatabaseConfiguration.postgres(url: url, schema: helper, poolSize: 1)
            if let database = try? await Database.open(configuration, migrations: [], logger: TestDatabases.quietLogger) {
                _ = try? await database.write { session in
                    try session.execute("DROP SCHEMA IF EXISTS \"\(schema)\", \"\(helper)\" CASCADE")
                }
                await database.close()
            }
        }
    }
}

/// Runs `body` with a scratch location on `backend` and removes it afterwards.
@discardableResult
func withScratchDatabase<T>(
    _ backend: DatabaseBackend, poolSize: Int = 4, _ body: (ScratchDatabase) async throws -> T
) async throws -> T {
    let scratch = try ScratchDatabase(backend, poolSize: poolSize)
    do {
        let result = try await body(scratch)
        await scratch.remove()
        return result
    } catch {
        await scratch.remove()
        throw error
    }
}

/// Opens a scratch database on `backend` with `migrations`, runs `body`, then closes and removes it.
@discardableResult
func withTestDatabase<T>(
    _ backend: DatabaseBackend, migrations: [Migration] = [], poolSize: Int = 4,
    _ body: (Database) async throws -> T
) async throws -> T {
    try await withScratchDatabase(backend, poolSize: poolSize) { scratch in
        let database = try await scratch.open(migrations: migrations)
        do {
            let result = try await body(database)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}
