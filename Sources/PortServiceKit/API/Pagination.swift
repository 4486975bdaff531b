import PortRPC

/// AIP-158 pagination over an in-memory, stably ordered list: `page_size` 0 means the default, values above the
/// maximum are coerced, negative ones are rejected; page tokens are opaque and bound to the query they came from.
public struct Paginator: Sendable {
    public var defaultPageSize: Int
    public var maxPageSize: Int

    public init(defaultPageSize: Int = 50, maxPageSize: Int = 100) {
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
    }

    /// One page of `items`.
    /// - Parameter query: a canonical text of the request's other parameters (filters); a token is only valid for
    ///   the same query.
    public func page<T>(_ items: [T], pageSize: Int32, pageToken: String, query: String = "") throws -> (items: [T], nextPageToken: String) {
        guard pageSize >= 0 else {
            throw APIError.invalidArgument(field: "page_size", "must not be negative (got \(pageSize))")
        }
        let size = pageSize == 0 ? defaultPageSize : min(Int(pageSize), maxPageSize)
        let offset = try decode(pageToken, query: query, count: items.count)
        let end = min(items.count, offset + size)
        let next = end < items.count ? encode(offset: end, query: query) : ""
        return (Array(items[offset..<end]), next)
    }

    static func checksum(_ query: String) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in query.utf8 {
            hash ^= UInt32(byte)
            hash &*= 0x0100_0193
        }
        return hash
    }

    func encode(offset: Int, query: String) -> String {
        let text = "p1:\(offset):\(Self.checksum(query))"
        return Base64.encode(Array(text.utf8), padded: false)
            .replacingAll("+", with: "-").replacingAll("/", with: "_")
    }

    func decode(_ token: String, query: String, count: Int) throws -> Int {
        if token.isEmpty { return 0 }
        guard let bytes = Base64.decode(token) else {
            throw APIError.invalidArgument(field: "page_token", "is not a token this service issued")
        }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: ":")
        guard parts.count == 3, parts[0] == "p1", let offset = Int(parts[1]), let sum = UInt32(parts[2]),
            offset >= 0, offset <= count
        else {
            throw APIError.invalidArgument(field: "page_token", "is not a token this service issued")
        }
        guard sum == Self.checksum(query) else {
            throw APIError.invalidArgument(
                field: "page_token", "was issued for a request with different parameters")
        }
        return offset
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
