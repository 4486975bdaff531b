import Foundation

/// The content of a form as plain values: scalar fields by name and repeated groups as rows (sub-field name →
/// value). Used both for what a form shows (its own data merged with the root-bound values) and for the form's own
/// data as stored. Empty values are never kept: absent means "not filled in".
struct FormContent: Sendable, Hashable, Codable {
    var values: [String: String] = [:]
    var groups: [String: [[String: String]]] = [:]

    /// Sets or (for an empty value) removes a scalar value.
    mutating func set(_ name: String, _ value: String?) {
        if let value, !value.isEmpty { values[name] = value } else { values.removeValue(forKey: name) }
    }

    /// Sets or (for no rows) removes a group.
    mutating func set(group name: String, _ rows: [[String: String]]) {
        if rows.isEmpty { groups.removeValue(forKey: name) } else { groups[name] = rows }
    }

    /// The JSON stored in the database (sorted keys, so equal content is equal text).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    init() {}

    init(json: String) throws {
        self = try JSONDecoder().decode(FormContent.self, from: Data(json.utf8))
    }
}

/// The root document (ルートドキュメント) of one deal: the values every form of the deal shares. Scalar items by path
/// ("seaWay.vesselName"), repeated items as rows by group path ("containers[]"), each row keyed by the item's last
/// segment ("containerNo", "sealNo"). Stored as one JSON document per deal and rewritten inside the write
/// transaction of the form change that touched it.
struct RootDocument: Sendable, Hashable, Codable {
    var values: [String: String] = [:]
    var rows: [String: [[String: String]]] = [:]

    /// The rows of the group path `path` ("containers[]"), empty when none.
    func rows(_ path: String) -> [[String: String]] { rows[path] ?? [] }

    /// Replaces the rows of `path` (none removes it).
    mutating func set(rows path: String, _ newRows: [[String: String]]) {
        if newRows.isEmpty { rows.removeValue(forKey: path) } else { rows[path] = newRows }
    }

    /// Sets or (for an empty value) removes a scalar item.
    mutating func set(_ path: String, _ value: String?) {
        if let value, !value.isEmpty { values[path] = value } else { values.removeValue(forKey: path) }
    }

    /// Whether the item at a lockable path (a scalar path or a group path) holds something.
    func isFilled(_ path: String) -> Bool {
        RootPath.isGroup(path) ? !rows(path).isEmpty : !(values[path] ?? "").isEmpty
    }

    /// The content of a lockable path, for comparing before and after a change.
    func snapshot(_ path: String) -> [[String: String]] {
        RootPath.isGroup(path) ? rows(path) : values[path].map { [["": $0]] } ?? []
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    init() {}

    init(json: String) throws {
        self = try JSONDecoder().decode(RootDocument.self, from: Data(json.utf8))
    }
}

/// Root-document paths: "seaWay.vesselName" (scalar), "containers[]" (a group of rows), "containers[].sealNo" (an
/// item of a row).
enum RootPath {
    /// The group every container row lives in; its rows are keyed by ``containerKey``.
    static let containers = "containers[]"
    /// The item that identifies a container row.
    static let containerKey = "containerNo"

    static func isGroup(_ path: String) -> Bool { path.hasSuffix("[]") }

    /// ("containers[]", "sealNo") for "containers[].sealNo" (at the last "[]."); nil for a path outside a row.
    /// Searched in the UTF-8 bytes: Foundation's `range(of:options:)` bridges through NSString, and this runs for every
    /// bound field on every form read and write (it was about 12 % of the CPU of a GetForm).
    static func rowItem(_ path: String) -> (group: String, item: String)? {
        let bytes = path.utf8
        var end = bytes.endIndex
        while let dot = bytes[..<end].lastIndex(of: UInt8(ascii: ".")) {
            if bytes.distance(from: bytes.startIndex, to: dot) >= 2 {
                let close = bytes.index(before: dot)
                let open = bytes.index(before: close)
                if bytes[close] == UInt8(ascii: "]") && bytes[open] == UInt8(ascii: "[") {
                    return (String(path[..<open]) + "[]", String(path[bytes.index(after: dot)...]))
                }
            }
            end = dot
        }
        return nil
    }
}
