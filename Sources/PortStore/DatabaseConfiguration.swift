/// Where a `Database` lives.
public enum DatabaseConfiguration: Sendable, CustomStringConvertible {
    /// An SQLite file, created if missing (its directory must exist), in WAL mode. One writer connection (writes are
    /// serialized in-process) and a few reader connections that read WAL snapshots concurrently.
    case sqlite(path: String)
    /// A PostgreSQL database. `url` is a libpq connection string (`postgresql://user:password@host:port/db?…` or
    /// `key=value …`). `schema` is created if missing and is the only entry of `search_path` on every connection, so
    /// several services (or tests) can share one database. `poolSize` connections (at least 1) are opened on demand.
    case postgres(url: String, schema: String, poolSize: Int = 10)

    /// The backend this configuration selects.
    public var backend: DatabaseBackend {
        switch self {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// A rendering safe for logs: the PostgreSQL password is replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url, let schema, let poolSize):
            return "postgres:\(ConnectionURL.redact(url)) schema=\(schema) pool=\(poolSize)"
        }
    }
}

/// The kind of database behind a `Database`.
public enum DatabaseBackend: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }
}
