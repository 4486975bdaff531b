import PortStore
import Testing

@Suite("No schema drift")
struct SchemaDriftTests {
    static let expected = DatabaseSchema(tables: [
        .init(name: "counters", columns: [
            .init(name: "name", type: "TEXT", isNullable: false),
            .init(name: "value", type: "BIGINT", isNullable: false),
            .init(name: "updated_at", type: "BIGINT", isNullable: false),
        ]),
        .init(name: "handles", columns: [
            .init(name: "handle", type: "TEXT", isNullable: false),
            .init(name: "user_id", type: "TEXT", isNullable: false),
        ]),
        .init(name: "kv", columns: [
            .init(name: "k", type: "TEXT", isNullable: false),
            .init(name: "v", type: "TEXT", isNullable: false),
            .init(name: "version", type: "BIGINT", isNullable: false),
        ]),
        .init(name: "orgs", columns: [
            .init(name: "id", type: "TEXT", isNullable: false),
            .init(name: "name", type: "TEXT", isNullable: false),
        ]),
        .init(name: "samples", columns: [
            .init(name: "id", type: "BIGINT", isNullable: false),
            .init(name: "t", type: "TEXT", isNullable: true),
            .init(name: "i", type: "BIGINT", isNullable: true),
            .init(name: "d", type: "DOUBLE PRECISION", isNullable: true),
            .init(name: "b", type: "BOOLEAN", isNullable: true),
            .init(name: "y", type: "BYTEA", isNullable: true),
        ]),
        .init(name: "schema_migrations", columns: [
            .init(name: "version", type: "BIGINT", isNullable: false),
            .init(name: "name", type: "TEXT", isNullable: false),
            .init(name: "applied_at", type: "BIGINT", isNullable: false),
        ]),
        .init(name: "users", columns: [
            .init(name: "id", type: "TEXT", isNullable: false),
            .init(name: "org_id", type: "TEXT", isNullable: false),
            .init(name: "email", type: "TEXT", isNullable: false),
            .init(name: "age", type: "BIGINT", isNullable: true),
            .init(name: "active", type: "BOOLEAN", isNullable: false),
        ]),
    ])

    @Test("the test migrations give the expected tables, columns, types and nullability", arguments: TestDatabases.all)
    func expectedSchema(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: TestSchema.migrations) { database in
            let schema = try await database.schema()
            #expect(schema == Self.expected, "\(schema)")
        }
    }

    @Test("SQLite and PostgreSQL end up with the same schema", .enabled(if: TestDatabases.postgresURL != nil))
    func sameOnBothBackends() async throws {
        let sqlite = try await withTestDatabase(.sqlite, migrations: TestSchema.migrations) { try await $0.schema() }
        let postgres = try await withTestDatabase(.postgres, migrations: TestSchema.migrations) { try await $0.schema() }
        #expect(sqlite == postgres, "SQLite:\n\(sqlite)\nPostgreSQL:\n\(postgres)")
    }
}
