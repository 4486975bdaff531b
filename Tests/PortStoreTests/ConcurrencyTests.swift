import Foundation
import PortStore
import Testing

@Suite("Concurrency")
struct ConcurrencyTests {
    @Test("50 concurrent read-modify-write increments end at exactly 50", arguments: TestDatabases.all)
    func concurrentIncrements(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations, poolSize: 8) { database in
            try await database.write { session in
                try session.execute("INSERT INTO counters (name, value, updated_at) VALUES ('hits', 0, 0)")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await database.write { session in
                            // Read, then write: on PostgreSQL concurrent transactions conflict (40001) and re-run.
                            let current = try session.queryOne("SELECT value FROM counters WHERE name = $1", "hits")
                            let value = try #require(current).int("value")
                            try session.execute(
                                "UPDATE counters SET value = $1, updated_at = $2 WHERE name = $3",
                                .int(value + 1), .timestamp(Date()), "hits")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let final = try await database.read { session in
                try session.queryOne("SELECT value FROM counters WHERE name = 'hits'")
            }
            #expect(try final?.int("value") == 50)
        }
    }

    @Test("reads see consistent snapshots while writes run", arguments: TestDatabases.all)
    func snapshotReads(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations, poolSize: 6) { database in
            try await database.write { session in
                try session.execute("INSERT INTO counters (name, value, updated_at) VALUES ('a', 0, 0), ('b', 0, 0)")
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for round in 1...20 {
                    group.addTask {
                        try await database.write { session in
                            // Both rows change in one transaction: a reader must never see them differ.
                            try session.execute("UPDATE counters SET value = value + 1 WHERE name = 'a'")
                            try session.execute("UPDATE counters SET value = value + 1, updated_at = $1 WHERE name = 'b'", .int(Int64(round)))
                        }
                    }
                    group.addTask {
                        let (a, b) = try await database.read { session in
                            let a = try session.queryOne("SELECT value FROM counters WHERE name = 'a'")
                            let b = try session.queryOne("SELECT value FROM counters WHERE name = 'b'")
                            return (try #require(a).int("value"), try #require(b).int("value"))
                        }
                        #expect(a == b)
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("a task waiting for a busy connection can be cancelled", arguments: TestDatabases.all)
    func cancelWhileWaiting(_ backend: DatabaseBackend) async throws {
        // One PostgreSQL connection; SQLite has one writer anyway.
        try await withTestDatabase(backend, migrations: TestSchema.migrations, poolSize: 1) { database in
            let holding = Flag()
            let holder = Task {
                try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('slow', 'x')")
                    holding.raise()
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            try await holding.wait()
            let waiter = Task {
                try await database.write { session in
                    try session.execute("INSERT INTO orgs (id, name) VALUES ('cancelled', 'x')")
                }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            try await holder.value
            try await database.write { session in try session.execute("INSERT INTO orgs (id, name) VALUES ('after', 'x')") }
            let ids = try await database.read { session in
                try session.query("SELECT id FROM orgs ORDER BY id").map { try $0.string("id") }
            }
            #expect(ids == ["after", "slow"])
        }
    }
}
