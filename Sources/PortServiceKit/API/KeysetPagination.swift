import PortRPC

/// AIP-158 pagination for stored lists ordered by a unique key (usually the resource id): the page token carries the
/// last key of the previous page, so pages stay correct while rows are added or removed. Tokens are opaque and bound
/// to the query they came from.
public struct KeysetPagination: Sendable {
    /// The page size to read, and the key after which the page starts (nil for the first page).
    public struct Cursor: Sendable {
        public let pageSize: Int
        public let after: String?
        let query: String
    }

    public var defaultPageSize: Int
    public var maxPageSize: Int

    public init(defaultPageSize: Int = 50, maxPageSize: Int = 100) {
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
    }

    /// Validates `page_size` and `page_token`. `query` is a canonical text of the request's filters.
    public func cursor(pageSize: Int32, pageToken: String, query: String = "") throws -> Cursor {
        guard pageSize >= 0 else {
            throw APIError.invalidArgument(field: "page_size", "must not be negative (got \(pageSize))")
        }
        let size = pageSize == 0 ? defaultPageSize : min(Int(pageSize), maxPageSize)
        guard !pageToken.isEmpty else { return Cursor(pageSize: size, after: nil, query: query) }
        guard pageToken.utf8.count <= 512, let bytes = Base64.decode(pageToken) else {
            throw APIError.invalidArgument(field: "page_token", "is not a token this service issued")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\u{1F}", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "k1", !parts[2].isEmpty else {
            throw APIError.invalidArgument(field: "page_token", "is not a token this service issued")
        }
        guard parts[1] == Substring(String(Paginator.checksum(query))) else {
            throw APIError.invalidArgument(field: "page_token", "was issued for a request with different parameters")
        }
        return Cursor(pageSize: size, after: String(parts[2]), query: query)
    }

    /// The page and the next token, given up to `pageSize + 1` rows read after the cursor in key order.
    public func page<Row>(_ rows: [Row], cursor: Cursor, key: (Row) -> String) -> (rows: [Row], nextPageToken: String) {
        guard rows.count > cursor.pageSize else { return (rows, "") }
        let page = Array(rows.prefix(cursor.pageSize))
        let text = "k1\u{1F}\(Paginator.checksum(cursor.query))\u{1F}\(key(page[page.count - 1]))"
        let token = Base64.encode(Array(text.utf8), padded: false)
            .map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }
        return (page, String(token))
    }
}
