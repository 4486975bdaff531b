import CLibPQ
import Foundation

/// Where and how to connect to PostgreSQL: the URL (kept private to this type and never logged) and the schema.
struct PostgresTarget: Sendable {
    let url: String
    let schema: String
    /// The URL's password, to scrub from libpq's messages.
    let password: String?

    init(url: String, schema: String) {
        self.url = url
        self.schema = schema
        self.password = ConnectionURL.password(in: url)
    }

    /// The schema as a quoted identifier.
    var quotedSchema: String { "\"" + schema.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// One libpq connection (used by one thread at a time, which the pool lease guarantees) with its prepared statements.
final class PostgresConnection: @unchecked Sendable {
    private struct StatementKey: Hashable {
        let sql: String
        let types: [Oid]
    }

    private struct Prepared {
        let name: String
        let parameterCount: Int
    }

    /// Seconds libpq waits for a connection unless the URL says otherwise (`connect_timeout`).
    static let defaultConnectTimeoutSeconds = 10
    private static let statementCacheLimit = 256

    private let handle: OpaquePointer
    let target: PostgresTarget
    /// `host:port` of the server, for messages.
    let location: String
    private var prepared: [StatementKey: Prepared] = [:]
    private var statementCounter = 0

    private init(handle: OpaquePointer, target: PostgresTarget, location: String) {
        self.handle = handle
        self.target = target
        self.location = location
    }

    /// Connects (blocking) and sets the session up: UTF-8, `search_path` = the schema, hex bytea output, warnings
    /// and errors only (libpq's default notice processor would print notices to stderr).
    static func connect(_ target: PostgresTarget) throws -> PostgresConnection {
        // Later entries win, and `dbname` expands the URL: the URL may override the timeout and the application
        // name, but not the client encoding.
        let keywords = ["connect_timeout", "application_name", "dbname", "client_encoding"]
        let values = ["\(defaultConnectTimeoutSeconds)", "cyberport", target.url, "UTF8"]
        let handle = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let handle else { throw StoreError.connectionFailed("cannot connect to PostgreSQL: out of memory") }
        let location = "\(string(PQhost(handle)) ?? "?"):\(string(PQport(handle)) ?? "?")"
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = describe(PQerrorMessage(handle), target: target)
            let database = string(PQdb(handle)) ?? "?"
            let user = string(PQuser(handle)) ?? "?"
            PQfinish(handle)
            throw StoreError.connectionFailed(
                "cannot connect to PostgreSQL at \(location) (database \(database), user \(user)): \(message)")
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let connection = PostgresConnection(handle: handle, target: target, location: location)
        do {
            try connection.simple(
                "SET search_path TO \(target.quotedSchema); SET bytea_output TO 'hex'; "
                    + "SET client_min_messages TO warning")
        } catch {
            connection.close()
            throw StoreError.connectionFailed("cannot set up the PostgreSQL session at \(location): \(error)")
        }
        return connection
    }

    /// Closes the connection (PQfinish).
    func close() { PQfinish(handle) }

    /// True when the connection is gone (the server closed it, restarted, or the network failed).
    var isBroken: Bool { PQstatus(handle) == CONNECTION_BAD }

    /// True when no transaction is open (a connection in any other state is not given back to the pool).
    var isIdle: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    // MARK: - Statements

    /// Runs SQL without parameters through the simple query protocol (several statements allowed).
    func simple(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement with parameters (binary) and returns its rows (text) and affected-row count. With `cache`,
    /// the statement is prepared once per connection and parameter types.
    func run(_ sql: String, _ binds: [SQLValue], cache: Bool) throws -> (rows: [SQLRow], changes: Int) {
        var parameters = PostgresParameters()
        for (offset, value) in binds.enumerated() {
            try value.validateForBinding(position: offset + 1)
            try parameters.append(value)
        }
        let result: OpaquePointer?
        let key = StatementKey(sql: sql, types: parameters.types)
        if cache {
            let statement = try prepare(key)
            guard statement.parameterCount == binds.count else {
                throw StoreError.bindCount(expected: statement.parameterCount, given: binds.count)
            }
            result = parameters.withPointers { values, lengths, formats in
                PQexecPrepared(handle, statement.name, Int32(binds.count), values, lengths, formats, 0)
            }
        } else {
            let parameterCount = SQLText.parameterCount(sql)
            guard parameterCount == binds.count else {
                throw StoreError.bindCount(expected: parameterCount, given: binds.count)
            }
            result = parameters.withPointers { values, lengths, formats in
                PQexecParams(handle, sql, Int32(binds.count), parameters.types, values, lengths, formats, 0)
            }
        }
        defer { PQclear(result) }
        do {
            try check(result)
        } catch StoreError.queryFailed(let message, "0A000") where cache && message.contains("cached plan") {
            // The table changed shape under the prepared statement (a migration by another instance): prepare it
            // afresh next time.
            prepared[key] = nil
            throw StoreError.queryFailed(message: message, code: "0A000")
        }
        guard let result else { return ([], 0) }
        return (PostgresRows.decode(result), affectedRows(result))
    }

    private func prepare(_ key: StatementKey) throws -> Prepared {
        if let statement = prepared[key] { return statement }
        let parameterCount = SQLText.parameterCount(key.sql)
        guard parameterCount == key.types.count else {
            throw StoreError.bindCount(expected: parameterCount, given: key.types.count)
        }
        if prepared.count >= Self.statementCacheLimit {
            try simple("DEALLOCATE ALL")
            prepared = [:]
        }
        statementCounter += 1
        let name = "cp_\(statementCounter)"
        let result = PQprepare(handle, name, key.sql, Int32(key.types.count), key.types)
        defer { PQclear(result) }
        try check(result)
        let statement = Prepared(name: name, parameterCount: parameterCount)
        prepared[key] = statement
        return statement
    }

    /// Throws the mapped error unless `result` is a success.
    private func check(_ result: OpaquePointer?) throws {
        if let result {
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK { return }
        }
        throw PostgresErrors.map(result: result, connection: self, message: Self.describe(PQerrorMessage(handle), target: target))
    }

    /// Rows inserted, updated or deleted (0 for other commands, as on SQLite).
    private func affectedRows(_ result: OpaquePointer) -> Int {
        guard let status = Self.string(PQcmdStatus(result)),
            ["INSERT ", "UPDATE ", "DELETE ", "MERGE "].contains(where: { status.hasPrefix($0) })
        else { return 0 }
        return Self.string(PQcmdTuples(result)).flatMap { Int($0) } ?? 0
    }

    // MARK: - Helpers

    /// A libpq message on one line, with the password scrubbed.
    static func describe(_ message: UnsafePointer<CChar>?, target: PostgresTarget) -> String {
        let text = string(message) ?? "unknown error"
        let oneLine = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return ConnectionURL.scrub(oneLine, password: target.password)
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// Calls `body` with a NULL-terminated array of C strings that live for the call.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    let pointers = duplicates.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
