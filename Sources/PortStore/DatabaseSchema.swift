/// The tables and columns of a database, in a backend-neutral form, to check that migrations produce the same schema
/// on SQLite and PostgreSQL (`Database.schema()`).
///
/// Types are the declared type names, upper-cased (SQLite's `BLOB` reported as `BYTEA`), so portable DDL gives equal
/// descriptions; nullability is what the database enforces (an SQLite primary-key column without `NOT NULL`
/// accepts NULL and is reported nullable).
public struct DatabaseSchema: Sendable, Equatable, CustomStringConvertible {
    /// One column.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: String
        public var isNullable: Bool

        public init(name: String, type: String, isNullable: Bool) {
            self.name = name
            self.type = type
            self.isNullable = isNullable
        }
    }

    /// One table with its columns in declaration order.
    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [Column]

        public init(name: String, columns: [Column]) {
            self.name = name
            self.columns = columns
        }
    }

    /// The tables, sorted by name.
    public var tables: [Table]

    public init(tables: [Table]) {
        self.tables = tables.sorted { $0.name < $1.name }
    }

    /// The table named `name`, if any.
    public func table(_ name: String) -> Table? { tables.first { $0.name == name } }

    public var description: String {
        tables.map { table in
            table.name + "(" + table.columns.map { "\($0.name) \($0.type)\($0.isNullable ? "" : " NOT NULL")" }
                .joined(separator: ", ") + ")"
        }.joined(separator: "\n")
    }

    static func read(_ session: any SQLSession, backend: DatabaseBackend) throws -> DatabaseSchema {
        switch backend {
        case .sqlite:
            let names = try session.query(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
            ).map { try $0.string("name") }
            return DatabaseSchema(
                tables: try names.map { table in
                    let columns = try session.query(
                        "SELECT name, type, \"notnull\" AS not_null FROM pragma_table_info($1) ORDER BY cid",
                        [.text(table)]
                    ).map { row in
                        Column(
                            name: try row.string("name"), type: normalize(try row.string("type")),
                            isNullable: try row.int("not_null") == 0)
                    }
                    return Table(name: table, columns: columns)
                })
        case .postgres:
            let rows = try session.query(
                """
                SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
                FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name, c.ordinal_position
                """)
            var tables: [Table] = []
            for row in rows {
                let table = try row.string("table_name")
                let column = Column(
                    name: try row.string("column_name"), type: normalize(try row.string("data_type")),
                    isNullable: try row.string("is_nullable") == "YES")
                if tables.last?.name == table {
                    tables[tables.count - 1].columns.append(column)
                } else {
                    tables.append(Table(name: table, columns: [column]))
                }
            }
            return DatabaseSchema(tables: tables)
        }
    }

    private static func normalize(_ type: String) -> String {
        let words = type.uppercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return words == "BLOB" ? "BYTEA" : words
    }
}
