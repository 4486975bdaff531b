import PortStore
import Testing

@Suite("Migrations")
struct MigrationTests {
    private func applied(_ database: Database) async throws -> [String] {
        try await database.read { session in
            try session.query("SELECT version, name FROM schema_migrations ORDER BY version").map {
                "\(try $0.int("version")):\(try $0.string("name"))"
            }
        }
    }

    @Test("migrations are applied once, logged, and re-opening applies nothing", arguments: TestDatabases.all)
    func appliedOnce(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            let (logger, logs) = CapturingLogHandler.logger()
            let first = try await scratch.open(migrations: TestSchema.migrations, logger: logger)
            #expect(try await applied(first) == ["1:samples", "2:orgs and users", "3:counters and kv"])
            let stamps = try await first.read { session in
                try session.query("SELECT applied_at FROM schema_migrations ORDER BY version").map { try $0.int("applied_at") }
            }
            await first.close()
            #expect(logs.messages.filter { $0 == "applied migration" }.count == 3)

            let (againLogger, againLogs) = CapturingLogHandler.logger()
            let second = try await scratch.open(migrations: TestSchema.migrations, logger: againLogger)
            #expect(try await applied(second) == ["1:samples", "2:orgs and users", "3:counters and kv"])
            let againStamps = try await second.read { session in
                try session.query("SELECT applied_at FROM schema_migrations ORDER BY version").map { try $0.int("applied_at") }
            }
            #expect(againStamps == stamps)
            #expect(!againLogs.messages.contains("applied migration"))
            await second.close()
        }
    }

    @Test("new migrations are applied on the next open", arguments: TestDatabases.all)
    func incremental(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            try await scratch.open(migrations: Array(TestSchema.migrations.prefix(2))).close()
            let database = try await scratch.open(migrations: TestSchema.migrations)
            #expect(try await applied(database).count == 3)
            try await database.write { session in
                try session.execute("INSERT INTO kv (k, v) VALUES ('a', 'b')")
            }
            await database.close()
        }
    }

    @Test("a renamed applied migration is refused", arguments: TestDatabases.all)
    func nameMismatch(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            try await scratch.open(migrations: TestSchema.migrations).close()
            var renamed = TestSchema.migrations
            renamed[1] = Migration(version: 2, name: "renamed", statements: TestSchema.users.postgresStatements)
            await #expect {
                try await scratch.open(migrations: renamed)
            } throws: { error in
                guard case StoreError.migrationMismatch(2, "renamed", "orgs and users") = error else { return false }
                return true
            }
        }
    }

    @Test("a database newer than the code is refused", arguments: TestDatabases.all)
    func schemaTooNew(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            try await scratch.open(migrations: TestSchema.migrations).close()
            await #expect {
                try await scratch.open(migrations: [TestSchema.samples])
            } throws: { error in
                guard case StoreError.schemaTooNew(databaseVersion: 3, knownVersion: 1) = error else { return false }
                return true
            }
        }
    }

    @Test("malformed migration lists are programming errors")
    func invalidLists() async throws {
        let lists: [[Migration]] = [
            [TestSchema.users, TestSchema.samples],
            [TestSchema.samples, TestSchema.samples],
            [Migration(version: 0, name: "zero", statements: [])],
            [Migration(version: 1, name: "", statements: [])],
        ]
        for list in lists {
            // Checked before anything is opened: the path does not even exist.
            await #expect {
                try await Database.open(.sqlite(path: "/nonexistent/x.sqlite"), migrations: list, logger: TestDatabases.quietLogger)
            } throws: { error in
                guard case StoreError.invalidMigrations = error else { return false }
                return true
            }
        }
    }

    @Test("a failing migration rolls back entirely and can be fixed", arguments: TestDatabases.all)
    func failingMigration(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            let broken = Migration(
                version: 2, name: "broken",
                statements: ["CREATE TABLE first_half (id TEXT NOT NULL PRIMARY KEY)", "CREATE TABLE oops ("])
            await #expect {
                try await scratch.open(migrations: [TestSchema.samples, broken])
            } throws: { error in
                guard case StoreError.migrationFailed(2, "broken", let message) = error else { return false }
                return message.contains("statement 2")
            }
            let fixed = Migration(
                version: 2, name: "broken",
                statements: ["CREATE TABLE first_half (id TEXT NOT NULL PRIMARY KEY)", "CREATE TABLE oops (id TEXT)"])
            let database = try await scratch.open(migrations: [TestSchema.samples, fixed])
            #expect(try await applied(database) == ["1:samples", "2:broken"])
            await database.close()
        }
    }

    @Test("a missing older migration is not applied out of order", arguments: TestDatabases.all)
    func gap(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            try await scratch.open(migrations: [TestSchema.samples, TestSchema.counters]).close()
            await #expect {
                try await scratch.open(migrations: TestSchema.migrations)
            } throws: { error in
                guard case StoreError.migrationFailed(version: 2, name: _, message: _) = error else { return false }
                return true
            }
        }
    }

    @Test("instances starting at once apply each migration once", arguments: TestDatabases.all)
    func concurrentOpen(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            let databases = try await withThrowingTaskGroup(of: Database.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await scratch.open(migrations: TestSchema.migrations) }
                }
                return try await group.reduce(into: [Database]()) { $0.append($1) }
            }
            #expect(try await applied(databases[0]).count == 3)
            for database in databases { await database.close() }
        }
    }

    @Test("per-backend statements for what portable SQL cannot say", arguments: TestDatabases.all)
    func perBackendStatements(_ backend: DatabaseBackend) async throws {
        let identity = Migration(
            version: 1, name: "events",
            sqlite: ["CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL)"],
            postgres: ["CREATE TABLE events (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL)"])
        try await withTestDatabase(backend, migrations: [identity]) { database in
            let ids = try await database.write { session in
                try (0..<3).map { _ in
                    try #require(try session.queryOne("INSERT INTO events (kind) VALUES ($1) RETURNING id", "x")).int("id")
                }
            }
            #expect(ids == [1, 2, 3])
        }
    }
}
