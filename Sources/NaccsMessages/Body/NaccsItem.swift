/// The type of a NACCS item, which fixes its character set and the format `NaccsLayout.check` enforces.
public enum NaccsItemType: String, Sendable, Hashable, CaseIterable {
    /// Digits (`n`).
    case numeric = "n"
    /// Upper-case codes and numbers (`an`).
    case alphanumeric = "an"
    /// Free text (`x`).
    case text = "x"
    /// A decimal number: digits with at most one point, neither first nor last (`dec`).
    case decimal = "dec"
    /// `yyyyMMdd`, a real calendar date.
    case date
    /// `HHmm`, 0000–2359.
    case time

    /// The bytes a value of this type may contain.
    public var characterSet: NaccsCharacterSet {
        switch self {
        case .numeric, .date, .time: return .numeric
        case .alphanumeric: return .alphanumeric
        case .text: return .text
        case .decimal: return .decimal
        }
    }
}

/// One item of the NACCS data dictionary (catalog/items.tsv): its abbreviation (項目略称, used in result codes),
/// name, width, type, the values it may take, and the root-document path it is filled from when the deal has it.
public struct NaccsItem: Sendable, Hashable {
    /// `CNO`: 3–4 upper-case letters or digits.
    public let abbreviation: String
    /// `containerNo`: the lowerCamel name used in JSON.
    public let name: String
    public let labelJa: String
    public let width: Int
    public let type: NaccsItemType
    /// The only values allowed, or nil for any value of the type.
    public let allowedValues: [String]?
    /// The Deals root-document path (`seaWay.vesselName`, `containers[].containerNo`), or nil when the deal does not
    /// hold this data (numbers NACCS issues, customs office codes …).
    public let rootPath: String?

    public init(
        abbreviation: String, name: String, labelJa: String, width: Int, type: NaccsItemType,
        allowedValues: [String]? = nil, rootPath: String? = nil
    ) {
        self.abbreviation = abbreviation
        self.name = name
        self.labelJa = labelJa
        self.width = width
        self.type = type
        self.allowedValues = allowedValues
        self.rootPath = rootPath
    }
}
