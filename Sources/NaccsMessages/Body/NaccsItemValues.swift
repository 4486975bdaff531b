/// The values of a body, by item abbreviation. Each item has a list of occurrences (one for a plain item, up to the
/// group's repeat count for a repeated group; occurrence `i` of every item of a group forms that group's row `i`).
///
/// Values are kept normalised, so that decode(encode(v)) == v: trailing spaces (padding) are removed, trailing empty
/// occurrences are dropped, and an item with no non-empty occurrence is absent.
public struct NaccsItemValues: Sendable, Hashable, CustomStringConvertible {
    /// Normalised occurrences by item abbreviation.
    public private(set) var items: [String: [String]] = [:]

    public init() {}

    /// Single values by item abbreviation.
    public init(_ values: [String: String]) {
        for (item, value) in values { self[item] = value }
    }

    /// The first occurrence of `item`, or nil when it is blank; setting replaces all occurrences.
    public subscript(item: String) -> String? {
        get { items[item].flatMap { $0.first.flatMap { $0.isEmpty ? nil : $0 } } }
        set { setOccurrences(item, newValue.map { [$0] } ?? []) }
    }

    /// Occurrence `index` (0-based) of `item`, "" when blank or absent.
    public subscript(item: String, index: Int) -> String {
        guard let values = items[item], index >= 0, index < values.count else { return "" }
        return values[index]
    }

    /// All occurrences of `item` up to its last non-blank one.
    public func occurrences(_ item: String) -> [String] { items[item] ?? [] }

    /// Replaces the occurrences of `item`.
    public mutating func setOccurrences(_ item: String, _ values: [String]) {
        var normalised = values.map(Self.trimmed)
        while normalised.last?.isEmpty == true { normalised.removeLast() }
        items[item] = normalised.isEmpty ? nil : normalised
    }

    /// Sets occurrence `index` (0-based) of `item`, filling earlier ones with blanks.
    public mutating func set(_ item: String, at index: Int, _ value: String) {
        var values = items[item] ?? []
        while values.count <= index { values.append("") }
        values[index] = value
        setOccurrences(item, values)
    }

    /// Whether no item has a value.
    public var isEmpty: Bool { items.isEmpty }

    public var description: String {
        items.keys.sorted().map { "\($0)=\(items[$0] ?? [])" }.joined(separator: " ")
    }

    static func trimmed(_ value: String) -> String {
        var scalars = Substring(value)
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
