import PortStore
import Testing

@Suite("Constraints, ON CONFLICT and RETURNING")
struct ConstraintTests {
    /// The error `body` throws from a write.
    private func writeError(_ database: Database, _ body: @escaping @Sendable (any SQLSession) throws -> Void) async -> (any Error)? {
        do {
            try await database.write(body)
            return nil
        } catch {
            return error
        }
    }

    private func seed(_ database: Database) async throws {
        try await database.write { session in
            try session.execute("INSERT INTO orgs (id, name) VALUES ('o1', 'One')")
            try session.execute("INSERT INTO users (id, org_id, email, age) VALUES ('u1', 'o1', 'a@example.com', 30)")
            try session.execute("INSERT INTO handles (handle, user_id) VALUES ('alice', 'u1')")
        }
    }

    @Test("unique violations report the same constraint name and columns", arguments: TestDatabases.all)
    func uniqueViolations(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            try await seed(database)
            let cases: [(sql: String, constraint: String, columns: [String])] = [
                // CREATE UNIQUE INDEX users_email_idx
                ("INSERT INTO users (id, org_id, email) VALUES ('u2', 'o1', 'a@example.com')", "users_email_idx", ["email"]),
                // PRIMARY KEY
                ("INSERT INTO users (id, org_id, email) VALUES ('u1', 'o1', 'b@example.com')", "users_pkey", ["id"]),
                // inline UNIQUE: PostgreSQL's default name
                ("INSERT INTO handles (handle, user_id) VALUES ('alice', 'u1')", "handles_handle_key", ["handle"]),
            ]
            for (sql, constraint, columns) in cases {
                let error = await writeError(database) { session in try session.execute(sql) }
                guard case StoreError.uniqueViolation(let reported, let reportedColumns, let message)? = error else {
                    Issue.record("\(sql): expected a unique violation, got \(String(describing: error))")
                    continue
                }
                #expect(reported == constraint, "\(sql)")
                #expect(reportedColumns == columns, "\(sql)")
                #expect(!message.isEmpty)
                #expect(!message.contains("a@example.com"), "messages carry no values")
            }
        }
    }

    @Test("foreign keys are enforced", arguments: TestDatabases.all)
    func foreignKeys(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            try await seed(database)
            let missingParent = await writeError(database) { session in
                try session.execute("INSERT INTO users (id, org_id, email) VALUES ('u2', 'nope', 'x@example.com')")
            }
            guard case StoreError.foreignKeyViolation? = missingParent else {
                Issue.record("expected a foreign key violation, got \(String(describing: missingParent))")
                return
            }
            let referencedParent = await writeError(database) { session in
                try session.execute("DELETE FROM orgs WHERE id = 'o1'")
            }
            guard case StoreError.foreignKeyViolation? = referencedParent else {
                Issue.record("expected a foreign key violation, got \(String(describing: referencedParent))")
                return
            }
        }
    }

    @Test("NOT NULL and CHECK violations are mapped", arguments: TestDatabases.all)
    func notNullAndCheck(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            try await seed(database)
            let notNull = await writeError(database) { session in
                try session.execute("INSERT INTO orgs (id, name) VALUES ($1, $2)", "o2", nil)
            }
            guard case StoreError.notNullViolation(let column, _)? = notNull else {
                Issue.record("expected a not-null violation, got \(String(describing: notNull))")
                return
            }
            #expect(column == "name")
            let check = await writeError(database) { session in
                try session.execute("UPDATE users SET age = $1 WHERE id = 'u1'", -1)
            }
            guard case StoreError.checkViolation(let constraint, _)? = check else {
                Issue.record("expected a check violation, got \(String(describing: check))")
                return
            }
            #expect(constraint == "users_age_nonnegative")
        }
    }

    @Test("ON CONFLICT DO NOTHING / DO UPDATE and RETURNING", arguments: TestDatabases.all)
    func upsertAndReturning(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            try await database.write { session in
                let insertIfMissing = "INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING RETURNING k, version"
                let first = try session.queryOne(insertIfMissing, "a", "1")
                #expect(try first?.string("k") == "a")
                #expect(try first?.int("version") == 1)
                #expect(try session.queryOne(insertIfMissing, "a", "other") == nil)
                #expect(try session.execute("INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO NOTHING", "a", "x") == 0)

                let upsert = """
                    INSERT INTO kv (k, v) VALUES ($1, $2)
                    ON CONFLICT (k) DO UPDATE SET v = excluded.v, version = kv.version + 1
                    RETURNING k, v, version
                    """
                let updated = try session.queryOne(upsert, "a", "2")
                #expect(try updated?.string("v") == "2")
                #expect(try updated?.int("version") == 2)
                let inserted = try session.queryOne(upsert, "b", "1")
                #expect(try inserted?.int("version") == 1)

                let bumped = try session.query("UPDATE kv SET version = version + 10 RETURNING k, version")
                #expect(Set(try bumped.map { try $0.int("version") }) == [12, 11])
                let deleted = try session.query("DELETE FROM kv WHERE k = $1 RETURNING v", "b")
                #expect(try deleted.map { try $0.string("v") } == ["1"])
            }
            let remaining = try await database.read { session in
                try session.query("SELECT k, v, version FROM kv").map { try "\($0.string("k"))=\($0.string("v"))@\($0.int("version"))" }
            }
            #expect(remaining == ["a=2@12"])
        }
    }
}
