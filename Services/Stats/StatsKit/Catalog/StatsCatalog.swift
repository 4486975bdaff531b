/// The data the Stats service checks submissions and facilities against: the commodity classification of the port
/// statistics survey and the facility categories and types of the ledger. The files live in Services/Stats/catalog/
/// and are embedded into the binary (Generated/StatsCatalogData.swift, written by embed.sh); `load()` parses and
/// validates them at start-up, so a broken catalog is a start-up error naming the file and line.
public struct StatsCatalog: Sendable {
    /// The commodity classification in force.
    public let commodities: CommodityClassification
    /// The ledger's facility categories with their types, in file order.
    public let facilityCategories: [FacilityCategoryEntry]

    private static let loaded: Result<StatsCatalog, StatsCatalogError> = Result {
        try parse(files: Dictionary(StatsCatalogData.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { a, _ in a }))
    }.mapError { $0 as? StatsCatalogError ?? StatsCatalogError(problems: ["\($0)"]) }

    /// The embedded catalog (parsed once). Throws ``StatsCatalogError`` when the committed files are broken.
    public static func load() throws -> StatsCatalog { try loaded.get() }

    /// Parses catalog files by name ("commodity-classes-1999.tsv", "facility-types.tsv"). The newest
    /// commodity-classes-*.tsv version is the one in force.
    public static func parse(files: [String: String]) throws -> StatsCatalog {
        var problems: [String] = []
        let classificationFiles = files.keys.filter { $0.hasPrefix("commodity-classes-") && $0.hasSuffix(".tsv") }.sorted()
        var classification: CommodityClassification?
        for file in classificationFiles {
            if let parsed = CommodityClassification.parse(files[file] ?? "", file: file, problems: &problems) {
                classification = parsed
            }
        }
        if classificationFiles.isEmpty { problems.append("no commodity-classes-*.tsv file") }
        var categories: [FacilityCategoryEntry] = []
        if let text = files["facility-types.tsv"] {
            categories = FacilityCategoryEntry.parse(text, file: "facility-types.tsv", problems: &problems)
        } else {
            problems.append("facility-types.tsv is missing")
        }
        guard problems.isEmpty, let classification else { throw StatsCatalogError(problems: problems) }
        return StatsCatalog(commodities: classification, facilityCategories: categories)
    }

    /// The category with `key`, or nil.
    public func facilityCategory(_ key: String) -> FacilityCategoryEntry? {
        facilityCategories.first { $0.key == key }
    }
}

/// Why the embedded catalog could not be used: one line per problem ("file:line: message").
public struct StatsCatalogError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "the Stats catalog is broken:\n" + problems.joined(separator: "\n") }
}

/// A major class (大分類) of the commodity classification.
public struct MajorCommodityClass: Sendable, Hashable {
    public let number: Int
    public let nameJa: String
    public let nameEn: String
}

/// A middle class (中分類): the unit cargo is reported in.
public struct CommodityClassEntry: Sendable, Hashable {
    /// 3 digits, e.g. "011".
    public let code: String
    public let major: Int
    public let nameJa: String
    public let nameEn: String
}

/// One version of the commodity classification: 9 major classes and their middle classes.
public struct CommodityClassification: Sendable {
    public let version: String
    public let majors: [MajorCommodityClass]
    /// By code.
    public let classes: [CommodityClassEntry]
    private let byCode: [String: CommodityClassEntry]

    init(version: String, majors: [MajorCommodityClass], classes: [CommodityClassEntry]) {
        self.version = version
        self.majors = majors
        self.classes = classes.sorted { $0.code < $1.code }
        self.byCode = Dictionary(classes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// The middle class with `code`, or nil.
    public func commodity(_ code: String) -> CommodityClassEntry? { byCode[code] }

    /// The major class numbered `number`, or nil.
    public func major(_ number: Int) -> MajorCommodityClass? { majors.first { $0.number == number } }

    static func parse(_ text: String, file: String, problems: inout [String]) -> CommodityClassification? {
        var version: String?
        var majors: [MajorCommodityClass] = []
        var classes: [CommodityClassEntry] = []
        let before = problems.count
        for (index, fields) in TSV.lines(text) {
            func problem(_ message: String) { problems.append("\(file):\(index): \(message)") }
            switch fields.first {
            case "version":
                guard fields.count >= 2, !fields[1].isEmpty else { problem("version needs an id"); continue }
                if version != nil { problem("a second version line") }
                version = fields[1]
            case "major":
                guard fields.count == 4, let number = Int(fields[1]), (1...9).contains(number), !fields[2].isEmpty
                else { problem("expected major<TAB>1-9<TAB>Japanese<TAB>English"); continue }
                if majors.contains(where: { $0.number == number }) { problem("major class \(number) twice") }
                majors.append(MajorCommodityClass(number: number, nameJa: fields[2], nameEn: fields[3]))
            case "class":
                guard fields.count == 5, fields[1].utf8.count == 3, fields[1].allSatisfy(\.isASCIIDigitCharacter),
                    let major = Int(fields[2]), !fields[3].isEmpty
                else { problem("expected class<TAB>3 digits<TAB>major<TAB>Japanese<TAB>English"); continue }
                if !majors.contains(where: { $0.number == major }) { problem("class \(fields[1]) names unknown major \(major)") }
                if classes.contains(where: { $0.code == fields[1] }) { problem("class \(fields[1]) twice") }
                classes.append(CommodityClassEntry(code: fields[1], major: major, nameJa: fields[3], nameEn: fields[4]))
            default:
                problem("unknown line kind \"\(fields.first ?? "")\"")
            }
        }
        if version == nil { problems.append("\(file): no version line") }
        if majors.count != 9 { problems.append("\(file): expected 9 major classes, found \(majors.count)") }
        for major in majors where !classes.contains(where: { $0.major == major.number }) {
            problems.append("\(file): major class \(major.number) has no middle class")
        }
        guard problems.count == before, let version else { return nil }
        return CommodityClassification(version: version, majors: majors.sorted { $0.number < $1.number }, classes: classes)
    }
}

/// A facility category with its types.
public struct FacilityCategoryEntry: Sendable {
    public let key: String
    public let nameJa: String
    public let nameEn: String
    public var types: [(key: String, nameJa: String, nameEn: String)]

    /// Whether `type` is a type of this category.
    public func hasType(_ type: String) -> Bool { types.contains { $0.key == type } }

    static func parse(_ text: String, file: String, problems: inout [String]) -> [FacilityCategoryEntry] {
        var categories: [FacilityCategoryEntry] = []
        for (index, fields) in TSV.lines(text) {
            func problem(_ message: String) { problems.append("\(file):\(index): \(message)") }
            switch fields.first {
            case "category":
                guard fields.count == 4, !fields[1].isEmpty else { problem("expected category<TAB>key<TAB>ja<TAB>en"); continue }
                if categories.contains(where: { $0.key == fields[1] }) { problem("category \(fields[1]) twice") }
                categories.append(FacilityCategoryEntry(key: fields[1], nameJa: fields[2], nameEn: fields[3], types: []))
            case "type":
                guard fields.count == 5, let position = categories.firstIndex(where: { $0.key == fields[1] }) else {
                    problem("expected type<TAB>known category<TAB>key<TAB>ja<TAB>en"); continue
                }
                if categories[position].hasType(fields[2]) { problem("type \(fields[2]) twice in \(fields[1])") }
                categories[position].types.append((fields[2], fields[3], fields[4]))
            default:
                problem("unknown line kind \"\(fields.first ?? "")\"")
            }
        }
        for category in categories where category.types.isEmpty {
            problems.append("\(file): category \(category.key) has no type")
        }
        return categories
    }
}

/// Tab-separated lines without comments and blank lines, with their 1-based line numbers.
enum TSV {
    static func lines(_ text: String) -> [(Int, [String])] {
        var result: [(Int, [String])] = []
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            result.append((offset + 1, trimmed.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
        return result
    }
}

extension Character {
    /// 0–9 only (not other Unicode digits).
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
