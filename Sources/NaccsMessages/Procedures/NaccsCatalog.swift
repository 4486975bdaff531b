/// The NACCS catalog: the item dictionary, the layouts, the 68 business codes and the reports. The data lives in
/// Sources/NaccsMessages/catalog/ (TSV files) and is embedded into the binary by catalog/embed.sh
/// (Generated/NaccsCatalogData.swift); `load()` parses and validates it.
public struct NaccsCatalog: Sendable {
    /// The business codes in catalog order.
    public let businessCodes: [NaccsBusinessCode]
    /// The item dictionary by abbreviation.
    public let items: [String: NaccsItem]
    /// Every layout by name (`EDA`, `EDA.result`, `IEX.reply`, `EXPORT-PERMIT`, `RESULT`).
    public let layouts: [String: NaccsLayout]
    public let reports: [NaccsReport]
    private let byCode: [String: NaccsBusinessCode]

    /// The processing-result code block that starts every result notice: five 15-character codes.
    public var resultCodes: NaccsLayout { layouts["RESULT"] ?? NaccsLayout(name: "RESULT", groups: []) }

    /// The business code `code` (`EDA`), or nil.
    public func businessCode(_ code: String) -> NaccsBusinessCode? { byCode[code] }

    /// The report with output information code `outputCode`, or nil.
    public func report(outputCode: String) -> NaccsReport? { reports.first { $0.outputCode == outputCode } }

    /// The report `trigger`'s processing leads to, or nil.
    public func report(triggeredBy code: String) -> NaccsReport? { reports.first { $0.trigger == code } }

    private static let loaded: Result<NaccsCatalog, NaccsCatalogError> = Result {
        () throws(NaccsCatalogError) -> NaccsCatalog in try parse(files: embeddedFiles())
    }

    /// The embedded catalog, parsed and validated once. Throws when the committed data is broken (call it at
    /// start-up so that is a start-up error).
    public static func load() throws(NaccsCatalogError) -> NaccsCatalog { try loaded.get() }

    /// The embedded files by name (`items.tsv` …).
    public static func embeddedFiles() -> [String: String] {
        Dictionary(NaccsCatalogData.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
    }

    /// Parses and validates catalog files by name; throws listing every problem.
    public static func parse(files: [String: String]) throws(NaccsCatalogError) -> NaccsCatalog {
        var parser = NaccsCatalogParser()
        guard let catalog = parser.parse(files: files) else { throw NaccsCatalogError(problems: parser.problems) }
        return catalog
    }

    init(businessCodes: [NaccsBusinessCode], items: [String: NaccsItem], layouts: [String: NaccsLayout], reports: [NaccsReport]) {
        self.businessCodes = businessCodes
        self.items = items
        self.layouts = layouts
        self.reports = reports
        self.byCode = Dictionary(businessCodes.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The problems found in catalog files, each naming the file and line.
public struct NaccsCatalogError: Error, Sendable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public let file: String
        public let line: Int
        public let message: String
        public var description: String { "\(file):\(line): \(message)" }
    }

    public let problems: [Problem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
