/// A transaction in progress, handed to the closure of `Database.read` or `Database.write`; valid only inside it.
///
/// SQL is one statement, with `$1, $2, …` placeholders on both backends (also inside SQLite SQL: the store rewrites
/// them outside literals, quoted identifiers and comments); the number of binds must equal the highest placeholder
/// number. A `.null` bind carries no type: where PostgreSQL cannot infer one from context (`SELECT $1`, `$1 IS NULL`
/// alone), write `CAST($1 AS TEXT)` (portable; `::` is not). Statements are prepared once per connection and cached.
///
/// After a statement fails, the transaction is aborted on both backends: further statements throw and the transaction
/// rolls back (so a closure cannot commit half of its work by catching an error). For "insert unless it exists" use
/// `INSERT … ON CONFLICT … DO NOTHING RETURNING …` rather than catching a unique violation.
public protocol SQLSession {
    /// Runs a statement and returns the number of rows it inserted, updated or deleted (0 for other statements).
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLValue]) throws -> Int

    /// Runs a statement and returns all its rows (a SELECT, or a statement with RETURNING).
    func query(_ sql: String, _ binds: [SQLValue]) throws -> [SQLRow]

    /// Runs a statement and returns its first row, or nil when it has none.
    func queryOne(_ sql: String, _ binds: [SQLValue]) throws -> SQLRow?
}

extension SQLSession {
    /// `execute` with the binds as variadic arguments.
    @discardableResult
    public func execute(_ sql: String, _ binds: SQLValue...) throws -> Int { try execute(sql, binds) }

    /// `query` with the binds as variadic arguments.
    public func query(_ sql: String, _ binds: SQLValue...) throws -> [SQLRow] { try query(sql, binds) }

    /// `queryOne` with the binds as variadic arguments.
    public func queryOne(_ sql: String, _ binds: SQLValue...) throws -> SQLRow? { try queryOne(sql, binds) }
}
