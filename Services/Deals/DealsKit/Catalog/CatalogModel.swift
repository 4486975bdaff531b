/// How many forms of one kind a deal may hold (form units, cyberport-reference.md 1.4).
public enum FormUnit: String, Sendable, Hashable, CaseIterable {
    /// One per B/L, i.e. one per deal.
    case bl
    /// One per container, keyed by the container number; binds its own row of `containers[]`.
    case container
    /// One per equipment interchange receipt.
    case eir
    /// Unlimited, told apart by a custom id.
    case unlimited
}

/// The type of a form field or of a root-document item.
public indirect enum FieldType: Sendable, Hashable {
    /// Free text of at most `maxLength` characters.
    case text(maxLength: Int)
    /// Decimal Number(precision, scale).
    case number(precision: Int, scale: Int)
    case integer
    case date
    /// HHMM.
    case time
    /// A code of the named code list (code-lists.json).
    case code(list: String)
    case containerNo
    case imoNumber
    case unLocode
    case hsCode
    case unNumber
    case imdgClass
    case boolean
    /// Repeated rows of sub-fields, at most `maxRows` (0 = unlimited). Root items of type group have no fields.
    case group(fields: [FieldSchema], maxRows: Int)

    /// The type's name in the catalog files ("text", "number", …, "group").
    public var kind: String {
        switch self {
        case .text: "text"
        case .number: "number"
        case .integer: "integer"
        case .date: "date"
        case .time: "time"
        case .code: "code"
        case .containerNo: "containerNo"
        case .imoNumber: "imoNumber"
        case .unLocode: "unLocode"
        case .hsCode: "hsCode"
        case .unNumber: "unNumber"
        case .imdgClass: "imdgClass"
        case .boolean: "boolean"
        case .group: "group"
        }
    }

    /// Every type name the catalog files may use.
    public static let kinds: [String] = [
        "text", "number", "integer", "date", "time", "code", "containerNo", "imoNumber", "unLocode", "hsCode",
        "unNumber", "imdgClass", "boolean", "group",
    ]
}

/// One field of a form.
public struct FieldSchema: Sendable, Hashable {
    /// lowerCamel, unique among its siblings.
    public let name: String
    public let labelJa: String
    public let type: FieldType
    public let required: Bool
    /// The root-document path the field is bound to (shared with every form of the deal), or nil.
    public let rootPath: String?

    public init(name: String, labelJa: String, type: FieldType, required: Bool, rootPath: String?) {
        self.name = name
        self.labelJa = labelJa
        self.type = type
        self.required = required
        self.rootPath = rootPath
    }

    /// The sub-fields of a group (empty for other types).
    public var fields: [FieldSchema] {
        if case .group(let fields, _) = type { return fields }
        return []
    }
}

/// A form kind (帳票種別) with its field schema.
public struct FormSchema: Sendable, Hashable {
    /// "UL010" … "UL490".
    public let code: String
    public let nameJa: String
    public let nameEn: String
    public let usedInExport: Bool
    public let usedInImport: Bool
    public let unit: FormUnit
    /// Sending this form locks the shared fields it owns in every other form (UL040, UL050, UL150, UL290).
    public let editLockTrigger: Bool
    /// Where the field list comes from.
    public let source: String
    public let fields: [FieldSchema]

    /// The field named `name` at the top level, or nil.
    public func field(named name: String) -> FieldSchema? { fields.first { $0.name == name } }

    /// Every field including group sub-fields, depth first, with its dotted path ("containers.containerNo").
    public var allFields: [(path: String, field: FieldSchema)] {
        fields.flatMap { field in
            [(field.name, field)] + field.fields.map { ("\(field.name).\($0.name)", $0) }
        }
    }
}

/// One item of the root document (ルートドキュメント).
public struct RootItem: Sendable, Hashable {
    /// "seaWay.vesselName", "containers[]", "containers[].containerNo" …
    public let path: String
    public let labelJa: String
    /// The item's type; repeated rows (paths ending in "[]") are `.group(fields: [], maxRows: 0)`.
    public let type: FieldType
}

/// The root-document schema: the shared items forms bind to (root.json).
public struct RootSchema: Sendable {
    public let description: String
    /// In file order.
    public let items: [RootItem]
    private let byPath: [String: RootItem]

    init(description: String, items: [RootItem]) {
        self.description = description
        self.items = items
        self.byPath = Dictionary(items.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The item at `path`, or nil.
    public func item(at path: String) -> RootItem? { byPath[path] }
}

/// A business type's access to a form.
public enum Permission: String, Sendable, Hashable, CaseIterable {
    case readWrite = "RW"
    case read = "R"
    /// "-": the form is not visible.
    case none = "-"
}

/// One row of the default permission matrix.
public struct PermissionEntry: Sendable, Hashable {
    public let businessType: String
    public let form: String
    public let permission: Permission
    /// Who issues the document, who consumes it.
    public let reason: String
}

/// The default permission of every business type on every form (permissions.tsv).
public struct PermissionMatrix: Sendable {
    /// In file order.
    public let entries: [PermissionEntry]
    private let byKey: [String: PermissionEntry]

    init(entries: [PermissionEntry]) {
        self.entries = entries
        self.byKey = Dictionary(
            entries.map { ("\($0.businessType)/\($0.form)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The row for `businessType` × `form`, or nil.
    public func entry(businessType: String, form: String) -> PermissionEntry? { byKey["\(businessType)/\(form)"] }

    /// The permission of `businessType` on `form`; `.none` for an unknown business type or form.
    public func permission(businessType: String, form: String) -> Permission {
        entry(businessType: businessType, form: form)?.permission ?? .none
    }

    /// The rows of one form, in business-type id order.
    public func entries(form: String) -> [PermissionEntry] {
        BusinessTypes.keys.compactMap { entry(businessType: $0, form: form) }
    }
}

/// A code list referenced by fields of type code (code-lists.json).
public struct CodeList: Sendable, Hashable {
    public struct Code: Sendable, Hashable {
        public let code: String
        public let label: String
    }

    public let name: String
    public let labelJa: String
    public let source: String
    public let codes: [Code]

    /// Whether `code` is in the list.
    public func contains(_ code: String) -> Bool { codes.contains { $0.code == code } }
}

/// A broken catalog: every problem found, each naming the file and, where there is one, the field.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The catalog file, relative to Services/Deals/catalog/ ("forms/UL010.json").
        public let file: String
        /// The field or item ("vesselName", "containers.containerNo", "row 12"), or nil for the whole file.
        public let field: String?
        public let message: String

        public var description: String {
            if let field { return "\(file): \(field): \(message)" }
            return "\(file): \(message)"
        }
    }

    public let problems: [Problem]

    public var description: String {
        "the form catalog is invalid (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
