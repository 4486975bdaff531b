/// The fixed layout of a body: groups of items, each group repeated a fixed number of times. On the wire every
/// occurrence of every item is one line: the value left-justified, padded with spaces to the item's width, then CR LF
/// — so a layout always has the same number of lines and bytes. Lines of a group are written row by row (row 1's
/// items, then row 2's …); unused rows are blank lines.
///
/// Decoding accepts a line shorter than its item (as if padded) but never a longer one.
public struct NaccsLayout: Sendable, Hashable {
    /// One item in a layout, and whether it is mandatory.
    public struct Field: Sendable, Hashable {
        public let item: NaccsItem
        /// Mandatory: must be filled in the first row and in every row that has any value.
        public let required: Bool

        public init(item: NaccsItem, required: Bool) {
            self.item = item
            self.required = required
        }
    }

    /// A run of fields repeated `repeatCount` times; a plain item is a group of one field repeated once.
    public struct Group: Sendable, Hashable {
        /// The group's name (`CTR`), nil for a plain item.
        public let name: String?
        public let repeatCount: Int
        public let fields: [Field]

        public init(name: String?, repeatCount: Int, fields: [Field]) {
            self.name = name
            self.repeatCount = repeatCount
            self.fields = fields
        }
    }

    /// `EDA`, `EDA.result`, `IEX.reply`, `EXPORT-PERMIT`.
    public let name: String
    public let groups: [Group]
    private let groupOfItem: [String: Int]

    public init(name: String, groups: [Group]) {
        self.name = name
        self.groups = groups
        var index: [String: Int] = [:]
        for (position, group) in groups.enumerated() {
            for field in group.fields { index[field.item.abbreviation] = position }
        }
        self.groupOfItem = index
    }

    /// The fields in order (each once, whatever its repeat count).
    public var fields: [Field] { groups.flatMap(\.fields) }

    /// The field of `item`, or nil.
    public func field(_ item: String) -> Field? {
        groupOfItem[item].flatMap { groups[$0].fields.first { $0.item.abbreviation == item } }
    }

    /// How many times `item` may occur (its group's repeat count), or 0 when it is not in the layout.
    public func repeatCount(of item: String) -> Int { groupOfItem[item].map { groups[$0].repeatCount } ?? 0 }

    /// Lines on the wire.
    public var lineCount: Int { groups.reduce(0) { $0 + $1.repeatCount * $1.fields.count } }

    /// Bytes on the wire, CR LF included.
    public var byteCount: Int {
        groups.reduce(0) { total, group in
            total + group.repeatCount * group.fields.reduce(0) { $0 + $1.item.width + 2 }
        }
    }

    /// This layout followed by `other`'s groups, named `name`.
    public func followed(by other: NaccsLayout, name: String) -> NaccsLayout {
        NaccsLayout(name: name, groups: groups + other.groups)
    }

    // MARK: Encoding

    /// The body bytes for `values`. Fitting only: every value must fit its item's width and character set and no
    /// item may occur more often than the layout allows, but mandatory items and formats are `check`'s concern
    /// (NACCS reports those as S-class result codes).
    public func encode(_ values: NaccsItemValues) throws(NaccsFittingError) -> [UInt8] {
        for (item, occurrences) in values.items {
            guard let position = groupOfItem[item] else { throw .unknownItem(layout: name, item: item) }
            let maximum = groups[position].repeatCount
            guard occurrences.count <= maximum else {
                throw .tooManyOccurrences(field: item, maximum: maximum, count: occurrences.count)
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(byteCount)
        for group in groups {
            for row in 0..<group.repeatCount {
                for field in group.fields {
                    let item = field.item
                    let fieldName = group.repeatCount > 1 ? "\(item.abbreviation)[\(row + 1)]" : item.abbreviation
                    try FixedWidth.append(
                        values[item.abbreviation, row], width: item.width, characterSet: item.type.characterSet,
                        field: fieldName, to: &bytes)
                    bytes.append(FixedWidth.cr)
                    bytes.append(FixedWidth.lf)
                }
            }
        }
        return bytes
    }

    // MARK: Decoding

    /// The values in untrusted body bytes. Never traps; throws `NaccsDecodingError` naming the item (`CNO[3]` for
    /// the third row) and the offset (from the start of `body` plus `baseOffset`).
    public func decode(_ body: some Collection<UInt8>, baseOffset: Int = 0) throws(NaccsDecodingError) -> NaccsItemValues {
        let bytes = Array(body.prefix(byteCount + 1))
        var position = 0
        var values = NaccsItemValues()
        for group in groups {
            var columns: [[String]] = Array(repeating: [], count: group.fields.count)
            for row in 0..<group.repeatCount {
                for (column, field) in group.fields.enumerated() {
                    let item = field.item
                    let fieldName = group.repeatCount > 1 ? "\(item.abbreviation)[\(row + 1)]" : item.abbreviation
                    guard position < bytes.count else {
                        throw NaccsDecodingError(
                            offset: baseOffset + position, field: fieldName,
                            reason: .truncated(needed: item.width + 2, available: 0))
                    }
                    let limit = min(bytes.count, position + item.width + 1)
                    guard let cr = bytes[position..<limit].firstIndex(of: FixedWidth.cr) else {
                        if limit == position + item.width + 1 {
                            throw NaccsDecodingError(
                                offset: baseOffset + position + item.width, field: fieldName,
                                reason: .lineTooLong(width: item.width, length: item.width + 1))
                        }
                        throw NaccsDecodingError(
                            offset: baseOffset + limit, field: fieldName, reason: .missingLineBreak)
                    }
                    guard cr + 1 < bytes.count, bytes[cr + 1] == FixedWidth.lf else {
                        throw NaccsDecodingError(offset: baseOffset + cr, field: fieldName, reason: .missingLineBreak)
                    }
                    columns[column].append(
                        try FixedWidth.read(
                            bytes[position..<cr], characterSet: item.type.characterSet, field: fieldName,
                            offset: baseOffset + position))
                    position = cr + 2
                }
            }
            for (column, field) in group.fields.enumerated() {
                values.setOccurrences(field.item.abbreviation, columns[column])
            }
        }
        guard position == body.count else {
            throw NaccsDecodingError(
                offset: baseOffset + position, field: "body", reason: .extraLines(expected: lineCount))
        }
        return values
    }
}
