import CSQLite

/// One SQLite connection (opened with SQLITE_OPEN_NOMUTEX: used by one thread at a time, which the pool lease
/// guarantees) with its cache of prepared statements.
final class SQLiteConnection: @unchecked Sendable {
    /// The role of a connection: the single writer, or a reader that refuses writes (`PRAGMA query_only`).
    enum Role {
        case writer
        case reader
    }

    /// How many rows a statement's caller wants.
    enum Rows {
        case none
        case first
        case all
    }

    private struct Statement {
        let handle: OpaquePointer
        let parameterCount: Int
    }

    /// Milliseconds a statement waits for a lock held by another connection or process before failing with
    /// SQLITE_BUSY.
    static let busyTimeoutMilliseconds: Int32 = 5_000
    private static let statementCacheLimit = 256

    let handle: OpaquePointer
    let path: String
    private var statements: [String: Statement] = [:]

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    /// Opens and configures a connection. The writer creates the file and switches it to WAL.
    ///
    /// `synchronous=FULL`: in WAL mode a commit then syncs the WAL before `write` returns, so a committed
    /// transaction survives power loss and OS crashes (NORMAL survives only application crashes). The cost is one
    /// fsync per write transaction, which the services accept for writes that "must not be lost".
    static func open(path: String, role: Role) throws -> SQLiteConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            | (role == .writer ? SQLITE_OPEN_CREATE : 0)
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(handle)
            throw StoreError.connectionFailed(
                "cannot open the SQLite database at \(path): \(message) (its directory must exist and be writable)")
        }
        let connection = SQLiteConnection(handle: handle, path: path)
        do {
            sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
            guard csqlite_disable_double_quoted_strings(handle) == SQLITE_OK else {
                throw StoreError.connectionFailed("cannot configure the SQLite database at \(path)")
            }
            switch role {
            case .writer:
                let mode = try connection.run("PRAGMA journal_mode=WAL", [], cache: false, rows: .first).rows.first
                guard let mode = try mode?.optionalString("journal_mode"), mode.lowercased() == "wal" else {
                    throw StoreError.connectionFailed("cannot switch the SQLite database at \(path) to WAL mode")
                }
                try connection.run("PRAGMA synchronous=FULL", [], cache: false, rows: .none)
                try connection.run("PRAGMA foreign_keys=ON", [], cache: false, rows: .none)
            case .reader:
                try connection.run("PRAGMA foreign_keys=ON", [], cache: false, rows: .none)
                try connection.run("PRAGMA query_only=ON", [], cache: false, rows: .none)
            }
        } catch let error as StoreError {
            connection.close()
            if case .connectionFailed = error { throw error }
            throw StoreError.connectionFailed("cannot open the SQLite database at \(path): \(error)")
        }
        return connection
    }

    /// Finalizes the cached statements and closes the connection.
    func close() {
        for statement in statements.values { sqlite3_finalize(statement.handle) }
        statements = [:]
        sqlite3_close_v2(handle)
    }

    /// True when no transaction is open.
    var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    // MARK: - Statements

    /// Runs one statement: prepares it (from the cache when `cache`), binds, steps, and resets it.
    @discardableResult
    func run(_ sql: String, _ binds: [SQLValue], cache: Bool, rows wanted: Rows) throws -> (rows: [SQLRow], changes: Int) {
        let statement = try prepare(sql, cache: cache)
        defer {
            if cache {
                sqlite3_reset(statement.handle)
                sqlite3_clear_bindings(statement.handle)
            } else {
                sqlite3_finalize(statement.handle)
            }
        }
        guard binds.count == statement.parameterCount else {
            throw StoreError.bindCount(expected: statement.parameterCount, given: binds.count)
        }
        for (offset, value) in binds.enumerated() {
            try bind(value, at: Int32(offset + 1), in: statement.handle)
        }

        let totalChangesBefore = sqlite3_total_changes64(handle)
        let readOnly = sqlite3_stmt_readonly(statement.handle) != 0
        var rows: [SQLRow] = []
        var reader: RowReader?
        while true {
            let rc = sqlite3_step(statement.handle)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw error(code: rc) }
            if wanted == .all || (wanted == .first && rows.isEmpty) {
                if reader == nil { reader = RowReader(statement: statement.handle) }
                if let reader { rows.append(reader.row(statement.handle)) }
            }
            // A read-only statement can stop early; a writing one (RETURNING) runs to its end.
            if wanted == .first, readOnly { break }
        }
        let changed = sqlite3_total_changes64(handle) != totalChangesBefore
        return (rows, changed ? Int(sqlite3_changes64(handle)) : 0)
    }

    private func prepare(_ sql: String, cache: Bool) throws -> Statement {
        if cache, let statement = statements[sql] { return statement }
        let (translated, parameterCount) = SQLText.translatePlaceholders(sql)
        var statementHandle: OpaquePointer?
        let utf8 = Array(translated.utf8)
        let flags = cache ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let trailing: String = try utf8.withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { chars in
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v3(handle, chars.baseAddress, Int32(chars.count), flags, &statementHandle, &tail)
                guard rc == SQLITE_OK else { throw error(code: rc) }
                guard let tail, let base = chars.baseAddress else { return "" }
                let consumed = base.distance(to: tail)
                return String(decoding: utf8[consumed...], as: UTF8.self)
            }
        }
        guard let statementHandle else {
            throw StoreError.queryFailed(message: "empty statement", code: nil)
        }
        if try containsStatement(trailing) {
            sqlite3_finalize(statementHandle)
            throw StoreError.queryFailed(message: "cannot run several statements at once: run them one by one", code: nil)
        }
        let statement = Statement(handle: statementHandle, parameterCount: parameterCount)
        if cache {
            if statements.count >= Self.statementCacheLimit {
                for cached in statements.values { sqlite3_finalize(cached.handle) }
                statements = [:]
            }
            statements[sql] = statement
        }
        return statement
    }

    /// Whether the text after a statement holds another statement (not just whitespace, `;` or comments).
    private func containsStatement(_ text: String) throws -> Bool {
        guard text.contains(where: { !$0.isWhitespace && $0 != ";" }) else { return false }
        var statementHandle: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, text, -1, &statementHandle, nil)
        sqlite3_finalize(statementHandle)
        return rc != SQLITE_OK || statementHandle != nil
    }

    private func bind(_ value: SQLValue, at index: Int32, in statement: OpaquePointer) throws {
        try value.validateForBinding(position: Int(index))
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(statement, index)
        case .int(let value):
            rc = sqlite3_bind_int64(statement, index, value)
        case .double(let value):
            rc = sqlite3_bind_double(statement, index, value)
        case .bool(let value):
            rc = sqlite3_bind_int64(statement, index, value ? 1 : 0)
        case .text(let value):
            // withCString gives a valid pointer for "" too (a nil pointer would bind NULL).
            rc = value.withCString { chars in
                sqlite3_bind_text64(
                    statement, index, chars, UInt64(value.utf8.count), csqlite_transient(), UInt8(SQLITE_UTF8))
            }
        case .bytes(let value):
            if value.isEmpty {
                rc = sqlite3_bind_zeroblob(statement, index, 0)  // an empty BLOB, not NULL
            } else {
                rc = value.withUnsafeBytes { bytes in
                    sqlite3_bind_blob64(statement, index, bytes.baseAddress, UInt64(bytes.count), csqlite_transient())
                }
            }
        }
        guard rc == SQLITE_OK else { throw error(code: rc) }
    }

    // MARK: - Errors

    /// Maps an SQLite result code (and the connection's message) to a `StoreError`.
    func error(code: Int32) -> StoreError {
        let message = String(cString: sqlite3_errmsg(handle))
        return SQLiteErrors.map(code: code, message: message, connection: self)
    }
}

/// Reads the rows of one statement: column names and BOOLEAN columns are looked up once per execution.
private struct RowReader {
    let columns: SQLColumns
    let booleanColumns: [Bool]

    init(statement: OpaquePointer) {
        let count = sqlite3_column_count(statement)
        var names: [String] = []
        var booleans: [Bool] = []
        for index in 0..<count {
            names.append(sqlite3_column_name(statement, index).map { String(cString: $0) } ?? "?column?")
            let declared = sqlite3_column_decltype(statement, index).map { String(cString: $0) }
            booleans.append(declared?.uppercased() == "BOOLEAN")
        }
        columns = SQLColumns(names: names)
        booleanColumns = booleans
    }

    func row(_ statement: OpaquePointer) -> SQLRow {
        var values: [SQLValue] = []
        values.reserveCapacity(booleanColumns.count)
        for index in 0..<Int32(booleanColumns.count) {
            switch sqlite3_column_type(statement, index) {
            case SQLITE_INTEGER:
                let value = sqlite3_column_int64(statement, index)
                values.append(booleanColumns[Int(index)] ? .bool(value != 0) : .int(value))
            case SQLITE_FLOAT:
                values.append(.double(sqlite3_column_double(statement, index)))
            case SQLITE_TEXT:
                let text = sqlite3_column_text(statement, index)
                let count = Int(sqlite3_column_bytes(statement, index))
                values.append(.text(String(decoding: UnsafeBufferPointer(start: text, count: text == nil ? 0 : count), as: UTF8.self)))
            case SQLITE_BLOB:
                let blob = sqlite3_column_blob(statement, index)
                let count = Int(sqlite3_column_bytes(statement, index))
                values.append(.bytes(blob.map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []))
            default:
                values.append(.null)
            }
        }
        return SQLRow(columns: columns, values: values)
    }
}
