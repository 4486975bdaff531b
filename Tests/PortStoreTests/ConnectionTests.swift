import Foundation
import PortStore
import Testing

@Suite("Connections")
struct ConnectionTests {
    @Test("an unreachable PostgreSQL is a clear connectionFailed without the password")
    func unreachablePostgres() async throws {
        let urls = [
            "postgresql://cyberport:s3cret-Pa55@127.0.0.1:1/cyberport_test",
            "host=127.0.0.1 port=1 user=cyberport password=s3cret-Pa55 dbname=cyberport_test",
        ]
        for url in urls {
            let configuration = DatabaseConfiguration.postgres(url: url, schema: "x", poolSize: 2)
            #expect(!"\(configuration)".contains("s3cret-Pa55"))
            await #expect {
                try await Database.open(configuration, migrations: [], logger: TestDatabases.quietLogger)
            } throws: { error in
                let text = "\(error)"
                guard case StoreError.connectionFailed = error else { return false }
                return text.contains("cannot connect to PostgreSQL at 127.0.0.1:1")
                    && text.contains("database cyberport_test, user cyberport") && !text.contains("s3cret-Pa55")
            }
        }
    }

    @Test("an SQLite path in a missing directory is a clear error naming the path")
    func unwritableSQLitePath() async throws {
        let path = "/nonexistent-\(UUID().uuidString)/store.sqlite"
        await #expect {
            try await Database.open(.sqlite(path: path), migrations: [], logger: TestDatabases.quietLogger)
        } throws: { error in
            guard case StoreError.connectionFailed(let message) = error else { return false }
            return message.contains(path)
        }
    }

    @Test("close waits for running work, then refuses new work; closing twice is fine", arguments: TestDatabases.all)
    func closing(_ backend: DatabaseBackend) async throws {
        try await withScratchDatabase(backend) { scratch in
            let database = try await scratch.open(migrations: TestSchema.migrations)
            let started = Flag()
            let running = Task {
                try await database.write { session in
                    started.raise()
                    Thread.sleep(forTimeInterval: 0.3)
                    return try session.execute("INSERT INTO orgs (id, name) VALUES ('o1', 'One')")
                }
            }
            try await started.wait()
            await database.close()
            #expect(try await running.value == 1)
            await #expect(throws: StoreError.self) { try await database.read { _ in 1 } }
            await #expect(throws: StoreError.self) { try await database.write { _ in 1 } }
            await database.close()

            let reopened = try await scratch.open(migrations: TestSchema.migrations)
            let count = try await reopened.read { session in try session.queryOne("SELECT COUNT(*) AS n FROM orgs") }
            #expect(try count?.int("n") == 1)
            await reopened.close()
        }
    }

    @Test("each PostgreSQL schema is isolated", .enabled(if: TestDatabases.postgresURL != nil))
    func schemaIsolation() async throws {
        try await withScratchDatabase(.postgres) { first in
            try await withScratchDatabase(.postgres) { second in
                let one = try await first.open(migrations: TestSchema.migrations)
                let two = try await second.open(migrations: TestSchema.migrations)
                try await one.write { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('o', 'first')") }
                try await two.write { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('o', 'second')") }
                let names = try await (
                    one.read { session in try session.queryOne("SELECT name, current_schema() AS s FROM orgs") },
                    two.read { session in try session.queryOne("SELECT name, current_schema() AS s FROM orgs") }
                )
                #expect(try names.0?.string("name") == "first")
                #expect(try names.1?.string("name") == "second")
                guard case .postgres(_, let schemaOne, _) = first.configuration else { return }
                #expect(try names.0?.string("s") == schemaOne)
                // Nothing leaked into the shared public schema.
                let leaked = try await one.read { session in
                    try session.queryOne(
                        "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('orgs', 'schema_migrations')")
                }
                #expect(try leaked?.int("n") == 0)
                await one.close()
                await two.close()
            }
        }
    }

    @Test("a PostgreSQL connection killed by the server is replaced", .enabled(if: TestDatabases.postgresURL != nil))
    func reconnect() async throws {
        try await withScratchDatabase(.postgres, poolSize: 1) { scratch in
            let database = try await scratch.open(migrations: TestSchema.migrations)
            let adminScratch = try ScratchDatabase(.postgres)
            let admin = try await adminScratch.open()
            let pid = try await database.read { session in try session.queryOne("SELECT pg_backend_pid() AS pid") }
            let oldPID = try #require(pid).int("pid")
            let terminated = try await admin.write { session in
                try session.queryOne("SELECT pg_terminate_backend(CAST($1 AS INTEGER), 5000) AS done", .int(oldPID))
            }
            #expect(try terminated?.bool("done") == true)
            // The idle connection is dead; the next operation notices at BEGIN, reconnects and runs.
            let newPID = try await database.read { session in try session.queryOne("SELECT pg_backend_pid() AS pid") }
            #expect(try newPID?.int("pid") != oldPID)
            try await database.write { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('o', 'n')") }

            // Lost in the middle of a transaction: a clear error (nothing is re-run), and the next operation reconnects.
            await #expect {
                try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('lost', 'n')")
                    return try session.queryOne("SELECT pg_terminate_backend(pg_backend_pid()) AS done")
                }
            } throws: { error in
                guard case StoreError.connectionFailed(let message) = error else { return false }
                return message.contains("was lost")
            }
            let ids = try await database.read { session in
                try session.query("SELECT id FROM orgs ORDER BY id").map { try $0.string("id") }
            }
            #expect(ids == ["o"])
            await admin.close()
            await adminScratch.remove()
            await database.close()
        }
    }
}
