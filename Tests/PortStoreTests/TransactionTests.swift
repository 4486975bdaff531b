import PortStore
import Testing

@Suite("Transactions")
struct TransactionTests {
    @Test("a write commits when its closure returns, and reads see it", arguments: TestDatabases.all)
    func commit(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            #expect(database.backend == backend)
            let inserted = try await database.write { session in
                try session.execute("INSERT INTO orgs (id, name) VALUES ($1, $2), ($3, $4)", "o1", "One", "o2", "Two")
            }
            #expect(inserted == 2)
            let names = try await database.read { session in
                try session.query("SELECT name FROM orgs ORDER BY id").map { try $0.string("name") }
            }
            #expect(names == ["One", "Two"])
        }
    }

    @Test("a write rolls back when its closure throws, and the error comes through unchanged", arguments: TestDatabases.all)
    func rollback(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            await #expect(throws: TestFailure(reason: "changed my mind")) {
                try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('o1', 'One')")
                    throw TestFailure(reason: "changed my mind")
                }
            }
            let count = try await database.read { session in try session.queryOne("SELECT COUNT(*) AS n FROM orgs") }
            #expect(try count?.int("n") == 0)
        }
    }

    @Test("after a failed statement the transaction is aborted and rolls back, even if the closure catches", arguments: TestDatabases.all)
    func abortedTransaction(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            try await database.write { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('o1', 'One')") }
            let outcome: Result<String, any Error>
            do {
                outcome = .success(try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('o2', 'Two')")
                    do {
                        try session.execute("INSERT INTO orgs (id, name) VALUES ('o1', 'Again')")
                    } catch StoreError.uniqueViolation {
                        // Swallowed; the next statement must still fail.
                    }
                    do {
                        try session.execute("INSERT INTO orgs (id, name) VALUES ('o3', 'Three')")
                        return "not aborted"
                    } catch StoreError.queryFailed(_, let code) {
                        return "aborted \(code ?? "")"
                    }
                })
            } catch {
                outcome = .failure(error)
            }
            // The closure returned normally, but the first failure is what the write reports.
            guard case .failure(StoreError.uniqueViolation) = outcome else {
                Issue.record("expected the unique violation, got \(outcome)")
                return
            }
            let ids = try await database.read { session in
                try session.query("SELECT id FROM orgs ORDER BY id").map { try $0.string("id") }
            }
            #expect(ids == ["o1"])
        }
    }

    @Test("writing inside read() fails with readOnlyTransaction", arguments: TestDatabases.all)
    func readOnly(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            await #expect {
                try await database.read { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('o', 'n')") }
            } throws: { error in
                guard case StoreError.readOnlyTransaction = error else { return false }
                return true
            }
        }
    }

    @Test("affected-row counts, queryOne, empty results", arguments: TestDatabases.all)
    func counts(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            let counts = try await database.write { session in
                [
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('a', 'x'), ('b', 'x'), ('c', 'y')"),
                    try session.execute("UPDATE orgs SET name = 'z' WHERE name = $1", "x"),
                    try session.execute("UPDATE orgs SET name = 'z' WHERE id = 'nope'"),
                    try session.execute("SELECT id FROM orgs"),
                    try session.execute("CREATE TABLE extra (id TEXT NOT NULL PRIMARY KEY)"),
                    try session.execute("DELETE FROM orgs WHERE id <> $1", "a"),
                ]
            }
            #expect(counts == [3, 2, 0, 0, 0, 2])
            let (none, empty, first) = try await database.read { session in
                (
                    try session.queryOne("SELECT id FROM orgs WHERE id = 'nope'"),
                    try session.query("SELECT id FROM orgs WHERE id = 'nope'"),
                    try session.queryOne("SELECT id FROM orgs ORDER BY id")
                )
            }
            #expect(none == nil)
            #expect(empty.isEmpty)
            #expect(try first?.string("id") == "a")
        }
    }

    @Test("several statements in one call are refused", arguments: TestDatabases.all)
    func multipleStatements(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            await #expect(throws: StoreError.self) {
                try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('a', 'x'); INSERT INTO orgs (id, name) VALUES ('b', 'y')")
                }
            }
            // A trailing semicolon or comment is fine.
            try await database.write { session in
                try session.execute("INSERT INTO orgs (id, name) VALUES ('a', 'x'); -- done")
            }
        }
    }

    @Test("a session used after its closure returned throws", arguments: TestDatabases.all)
    func escapedSession(_ backend: DatabaseBackend) async throws {
        final class Box: @unchecked Sendable { var session: (any SQLSession)? }
        let box = Box()
        try await withTestDatabase(backend) { database in
            try await database.read { session in box.session = session }
            let escaped = try #require(box.session)
            // The call fails without touching the connection (which another operation may hold by now).
            #expect(throws: StoreError.self) { try escaped.query("SELECT 1 AS one") }
        }
    }
}
