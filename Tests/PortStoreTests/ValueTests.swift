import Foundation
import PortStore
import Testing

@Suite("Values")
struct ValueTests {
    @Test("every SQLValue type round-trips, with NULL, empty, unicode, extremes and 1 MiB bytes", arguments: TestDatabases.all)
    func roundTrip(_ backend: DatabaseBackend) async throws {
        var generator = SystemRandomNumberGenerator()
        let large = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let rows: [[SQLValue]] = [
            [1, nil, nil, nil, nil, nil],
            [2, "", 0, 0.0, false, .bytes([])],
            [3, "日本語 🚢 café", .int(Int64.max), .double(.pi), true, .bytes([0, 1, 127, 128, 255])],
            [4, "line\nbreak\ttab 'quote' \"dq\" \\ $1", .int(Int64.min), .double(-.infinity), false, .bytes([0])],
            [5, .text(String(repeating: "x", count: 100_000)), -1, .double(.infinity), true, .bytes(large)],
            [6, " ", 1, .double(-1e-300), nil, nil],
            [7, nil, nil, .double(.greatestFiniteMagnitude), nil, nil],
        ]
        try await withTestDatabase(backend, migrations: [TestSchema.samples]) { database in
            try await database.write { session in
                for row in rows {
                    try session.execute("INSERT INTO samples (id, t, i, d, b, y) VALUES ($1, $2, $3, $4, $5, $6)", row)
                }
            }
            let stored = try await database.read { session in
                try session.query("SELECT id, t, i, d, b, y FROM samples ORDER BY id")
            }
            #expect(stored.count == rows.count)
            for (expected, row) in zip(rows, stored) {
                // The raw values are identical on both backends (BOOLEAN columns read as .bool on SQLite too).
                #expect(row.values == expected, "row \(expected[0])")
            }
            #expect(try stored[0].optionalString("t") == nil)
            #expect(try stored[1].string("t") == "")
            #expect(try stored[1].bytes("y") == [])
            #expect(try stored[2].string("t") == "日本語 🚢 café")
            #expect(try stored[2].int("i") == Int64.max)
            #expect(try stored[3].int("i") == Int64.min)
            #expect(try stored[2].bool("b") == true)
            #expect(try stored[1].bool("b") == false)
            #expect(try stored[4].bytes("y") == large)
            #expect(try stored[3].double("d") == -.infinity)
            #expect(try stored[0].optionalBool("b") == nil)
            #expect(try stored[0].optionalBytes("y") == nil)
            #expect(try stored[0].optionalInt("i") == nil)
            #expect(try stored[0].optionalDouble("d") == nil)
        }
    }

    @Test("parameters echo back with their type", arguments: TestDatabases.all)
    func parameterEcho(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend) { database in
            let values: [SQLValue] = ["text", "", "日本語", 42, .int(Int64.min), 2.5, .bytes([]), .bytes([1, 2, 3])]
            for value in values {
                let echoed = try await database.read { session in try session.queryOne("SELECT $1 AS v", [value]) }
                #expect(echoed?["v"] == value)
            }
            let flags = try await database.read { session in
                // A NULL bind has no type: PostgreSQL needs context or a CAST to infer one.
                try session.queryOne("SELECT $1 AS t, $2 AS f, CAST($3 AS TEXT) AS n", [true, false, nil])
            }
            #expect(try flags?.bool("t") == true)
            #expect(try flags?.bool("f") == false)
            #expect(flags?["n"] == .null)
        }
    }

    @Test("NaN and NUL characters are rejected alike", arguments: TestDatabases.all)
    func unstorableValues(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: [TestSchema.samples]) { database in
            for value: SQLValue in [.double(.nan), .text("a\u{0}b")] {
                await #expect(throws: StoreError.self) {
                    try await database.write { session in
                        try session.execute("INSERT INTO samples (id, d) VALUES (1, $1)", [value])
                    }
                }
            }
        }
    }

    @Test("timestamps are BIGINT microseconds", arguments: TestDatabases.all)
    func timestamps(_ backend: DatabaseBackend) async throws {
        let date = Date(microsecondsSince1970: 1_763_700_000_123_456)
        #expect(date.microsecondsSince1970 == 1_763_700_000_123_456)
        #expect(SQLValue.timestamp(date) == .int(1_763_700_000_123_456))
        #expect(SQLValue.timestamp(nil) == .null)
        try await withTestDatabase(backend, migrations: [TestSchema.samples]) { database in
            try await database.write { session in
                try session.execute("INSERT INTO samples (id, i) VALUES (1, $1), (2, NULL)", [.timestamp(date)])
            }
            let rows = try await database.read { session in try session.query("SELECT i FROM samples ORDER BY id") }
            #expect(try rows[0].timestamp("i").microsecondsSince1970 == 1_763_700_000_123_456)
            #expect(try rows[1].optionalTimestamp("i") == nil)
        }
    }

    @Test("row accessors: names are case-insensitive, mismatches and NULLs throw decoding errors", arguments: TestDatabases.all)
    func rowAccessors(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend, migrations: [TestSchema.samples]) { database in
            try await database.write { session in
                try session.execute("INSERT INTO samples (id, t, i, d) VALUES (1, 'a', 7, 1.5), (2, NULL, 3, 2)")
            }
            let row = try await database.read { session in
                try session.queryOne("SELECT id AS Id, t, i, d, NULL AS nada FROM samples WHERE id = $1", [1])
            }
            let found = try #require(row)
            #expect(try found.int("id") == 1)
            #expect(try found.int("ID") == 1)
            #expect(try found.double("i") == 7)  // integers widen to double
            #expect(found["missing"] == nil)
            #expect(throws: StoreError.self) { try found.int("missing") }
            #expect(throws: StoreError.self) { try found.int("t") }
            #expect(throws: StoreError.self) { try found.string("i") }
            #expect(throws: StoreError.self) { try found.string("nada") }
            #expect(throws: StoreError.self) { try found.bool("i") }
            #expect(try found.optionalString("nada") == nil)

            // Aggregates come back as integers on both backends (PostgreSQL's SUM(bigint) is numeric).
            let totals = try await database.read { session in
                try session.queryOne("SELECT COUNT(*) AS n, SUM(i) AS total, MAX(d) AS top FROM samples")
            }
            #expect(totals?["n"] == .int(2))
            #expect(totals?["total"] == .int(10))
            #expect(try totals?.double("top") == 2)
        }
    }

    @Test("$N inside string literals, quoted identifiers and comments is left alone", arguments: TestDatabases.all)
    func placeholdersInLiterals(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend) { database in
            let row = try await database.read { session in
                try session.queryOne(
                    """
                    SELECT '$1' AS literal, 'it''s $2' AS escaped, $1 AS bound, 'x' AS "col$1" -- $3 in a comment
                    /* and $4 in a block comment */
                    """, ["value"])
            }
            #expect(try row?.string("literal") == "$1")
            #expect(try row?.string("escaped") == "it's $2")
            #expect(try row?.string("bound") == "value")
            #expect(try row?.string("col$1") == "x")
        }
    }

    @Test("the number of binds must match the placeholders", arguments: TestDatabases.all)
    func bindCount(_ backend: DatabaseBackend) async throws {
        try await withTestDatabase(backend) { database in
            for binds: [SQLValue] in [[1], [1, 2, 3], []] {
                await #expect(throws: StoreError.self) {
                    try await database.read { session in try session.query("SELECT $1 AS a, $2 AS b", binds) }
                }
            }
            let row = try await database.read { session in try session.queryOne("SELECT $2 AS b, $1 AS a", 1, 2) }
            #expect(row?["a"] == .int(1))
            #expect(row?["b"] == .int(2))
        }
    }

    @Test func literalsAndOptionals() {
        let name: String? = nil
        let count: Int? = 3
        #expect(SQLValue.text(name) == .null)
        #expect(SQLValue.text("a") == .text("a"))
        #expect(SQLValue.int(count) == .int(3))
        #expect(SQLValue(name) == .null)
        #expect(SQLValue(Optional(true)) == .bool(true))
        let literals: [SQLValue] = [nil, 1, 1.5, "s", true]
        #expect(literals == [.null, .int(1), .double(1.5), .text("s"), .bool(true)])
        #expect("\(SQLValue.text("secret"))" == "text(6 bytes)")
    }
}
