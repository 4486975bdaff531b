import Testing

@testable import PortStore

@Suite("SQL text rewriting and redaction")
struct SQLTextTests {
    @Test func placeholders() {
        let (sql, count) = SQLText.translatePlaceholders(
            "SELECT $1, '$2', \"$3\", x$4, $$ $5 $$, $tag$ $6 $tag$, $10 -- $7\n/* $8 */ $2")
        #expect(sql == "SELECT ?1, '$2', \"$3\", x$4, $$ $5 $$, $tag$ $6 $tag$, ?10 -- $7\n/* $8 */ ?2")
        #expect(count == 10)
        #expect(SQLText.parameterCount("SELECT 'it''s $1'") == 0)
        #expect(SQLText.parameterCount("SELECT 1") == 0)
    }

    @Test func byteaRewrite() {
        let sql = SQLText.rewriteTypeName(
            "CREATE TABLE t (bytea_col BYTEA, y bytea NOT NULL, note TEXT DEFAULT 'BYTEA', \"BYTEA\" TEXT)",
            from: "BYTEA", to: "BLOB")
        #expect(sql == "CREATE TABLE t (bytea_col BLOB, y BLOB NOT NULL, note TEXT DEFAULT 'BYTEA', \"BYTEA\" TEXT)")
    }

    @Test func redaction() {
        #expect(ConnectionURL.redact("postgresql://user:pw@host:5432/db") == "postgresql://user:***@host:5432/db")
        #expect(ConnectionURL.redact("postgresql://user@host/db") == "postgresql://user@host/db")
        #expect(ConnectionURL.redact("postgresql://u:pa/ss@h/db") == "postgresql://u:***@h/db")
        #expect(ConnectionURL.redact("postgres://u:p%40ss@h/db?sslmode=disable&password=x") == "postgres://u:***@h/db?sslmode=disable&password=***")
        #expect(ConnectionURL.redact("host=h password='a b\\' c' user=u") == "host=h password=*** user=u")
        #expect(ConnectionURL.password(in: "postgresql://user:pw@host/db") == "pw")
        #expect(ConnectionURL.scrub("failed for pw here", password: "pw") == "failed for *** here")
    }
}
