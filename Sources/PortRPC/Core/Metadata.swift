/// The value of one metadata entry: text, or bytes for names ending in `-bin` (base64 on the wire).
public enum MetadataValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case binary([UInt8])

    public var description: String {
        switch self {
        case .string(let s): s
        case .binary(let b): Base64.encode(b, padded: true)
        }
    }
}

/// gRPC metadata (request headers, response headers or trailers): an ordered list of name/value pairs. Names are
/// lower-case; a name may occur more than once.
public struct Metadata: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    /// One entry.
    public typealias Element = (name: String, value: MetadataValue)

    private var entries: [Entry] = []

    private struct Entry: Sendable, Hashable {
        var name: String
        var value: MetadataValue
    }

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Appends a text entry. The name is lower-cased.
    public mutating func add(_ name: String, _ value: String) {
        entries.append(Entry(name: name.lowercased(), value: .string(value)))
    }

    /// Appends a binary entry; the name should end in `-bin`.
    public mutating func add(_ name: String, binary: [UInt8]) {
        entries.append(Entry(name: name.lowercased(), value: .binary(binary)))
    }

    /// Appends an entry.
    public mutating func add(_ name: String, value: MetadataValue) {
        entries.append(Entry(name: name.lowercased(), value: value))
    }

    /// Appends an entry whose name is known to be lower-case already (HTTP/2 header names are).
    mutating func appendLowercased(_ name: String, _ value: MetadataValue) {
        if entries.isEmpty { entries.reserveCapacity(4) }
        entries.append(Entry(name: name, value: value))
    }

    /// Replaces every entry of `name` with one text value.
    public mutating func replace(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    /// Removes every entry of `name`.
    public mutating func remove(_ name: String) {
        let key = name.lowercased()
        entries.removeAll { $0.name == key }
    }

    /// The first text value of `name`.
    public subscript(_ name: String) -> String? {
        let key = name.lowercased()
        for entry in entries where entry.name == key {
            if case .string(let s) = entry.value { return s }
        }
        return nil
    }

    /// The first binary value of `name`.
    public func binaryValue(_ name: String) -> [UInt8]? {
        let key = name.lowercased()
        for entry in entries where entry.name == key {
            if case .binary(let b) = entry.value { return b }
        }
        return nil
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [MetadataValue] {
        let key = name.lowercased()
        return entries.filter { $0.name == key }.map(\.value)
    }

    public func makeIterator() -> AnyIterator<Element> {
        var index = 0
        return AnyIterator {
            guard index < entries.count else { return nil }
            defer { index += 1 }
            return (entries[index].name, entries[index].value)
        }
    }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool { lhs.entries == rhs.entries }

    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    public var description: String {
        "[" + entries.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "]"
    }

    /// Whether `name` may be sent as custom metadata: `[0-9a-z_.-]+`, not reserved (`grpc-*`, pseudo-headers and
    /// HTTP/2 connection headers).
    public static func isValidCustomName(_ name: String) -> Bool {
        guard !name.isEmpty, !name.hasPrefix("grpc-"), !reservedNames.contains(name) else { return false }
        return name.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E || c == 0x2D
        }
    }

    /// Whether `value` may be sent as a text value: printable ASCII (0x20–0x7E).
    public static func isValidTextValue(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 <= 0x7E }
    }

    static let reservedNames: Set<String> = [
        "content-type", "te", "host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
        "user-agent-internal",
    ]
}
