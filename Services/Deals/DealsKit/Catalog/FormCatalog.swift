import Foundation

/// The form catalog: every form kind with its field schema, the root-document schema, the code lists and the default
/// permission matrix. The data lives in Services/Deals/catalog/ and is embedded into the binary
/// (Generated/CatalogData.swift, written by embed.sh); `load()` parses and validates it at start-up.
public struct FormCatalog: Sendable {
    /// The forms in code order.
    public let forms: [FormSchema]
    public let root: RootSchema
    /// By name.
    public let codeLists: [String: CodeList]
    public let permissions: PermissionMatrix
    private let formsByCode: [String: FormSchema]

    /// The form kinds whose sending locks their shared fields (cyberport-reference.md 1.5).
    public static let editLockTriggerForms: Set<String> = ["UL040", "UL050", "UL150", "UL290"]

    /// The embedded catalog, parsed and validated once.
    private static let loaded: Result<FormCatalog, CatalogError> = Result {
        try parse(files: embeddedFiles())
    }.mapError { $0 as? CatalogError ?? CatalogError(problems: [.init(file: "-", field: nil, message: "\($0)")]) }

    /// The embedded catalog (parsed and validated on first use, then cached). Throws `CatalogError` when the
    /// committed catalog is broken: call it at start-up so that is a start-up error.
    public static func load() throws -> FormCatalog { try loaded.get() }

    /// The embedded catalog files by path relative to Services/Deals/catalog/ (what `load()` parses).
    public static func embeddedFiles() -> [String: String] {
        Dictionary(CatalogData.files.map { ($0.path, $0.contents) }, uniquingKeysWith: { first, _ in first })
    }

    /// The form with `code` ("UL040"), or nil.
    public func form(code: String) -> FormSchema? { formsByCode[code] }

    /// The code list named `name`, or nil.
    public func codeList(named name: String) -> CodeList? { codeLists[name] }

    /// The default permission of `businessType` (a key such as "oceanShipping") on the form `form` ("UL050").
    public func permission(businessType: String, form: String) -> Permission {
        permissions.permission(businessType: businessType, form: form)
    }

    /// Parses and validates catalog files given by path relative to Services/Deals/catalog/ ("root.json",
    /// "code-lists.json", "permissions.tsv", "forms/UL010.json" …). Throws `CatalogError` listing every problem.
    public static func parse(files: [String: String]) throws -> FormCatalog {
        var loader = CatalogLoader()
        guard let catalog = loader.load(files: files) else { throw CatalogError(problems: loader.problems) }
        return catalog
    }

    init(forms: [FormSchema], root: RootSchema, codeLists: [String: CodeList], permissions: PermissionMatrix) {
        self.forms = forms
        self.root = root
        self.codeLists = codeLists
        self.permissions = permissions
        self.formsByCode = Dictionary(forms.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

// MARK: - The files as written

private struct RawField: Decodable {
    var name: String?
    var label_ja: String?
    var type: String?
    var maxLength: Int?
    var precision: Int?
    var scale: Int?
    var codeList: String?
    var required: Bool?
    var root: String?
    var fields: [RawField]?
    var maxRows: Int?
    var path: String?
}

private struct RawForm: Decodable {
    var code: String
    var name_ja: String
    var name_en: String
    var export: Bool
    var `import`: Bool
    var unit: String
    var editLockTrigger: Bool
    var source: String
    var fields: [RawField]
}

private struct RawRoot: Decodable {
    var description: String
    var paths: [RawField]
}

private struct RawCodeLists: Decodable {
    struct List: Decodable {
        struct Code: Decodable {
            var code: String
            var label: String
        }

        var label_ja: String
        var source: String
        var codes: [Code]
    }

    var description: String?
    var lists: [String: List]
}

// MARK: - Parsing and validation

/// Parses the files and collects every problem instead of stopping at the first.
private struct CatalogLoader {
    var problems: [CatalogError.Problem] = []

    mutating func problem(_ file: String, _ field: String?, _ message: String) {
        problems.append(.init(file: file, field: field, message: message))
    }

    mutating func decode<T: Decodable>(_ type: T.Type, _ file: String, from files: [String: String]) -> T? {
        guard let text = files[file] else {
            problem(file, nil, "missing")
            return nil
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            problem(file, Self.path(context.codingPath + [key]), "missing key \"\(key.stringValue)\"")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            problem(file, Self.path(context.codingPath), context.debugDescription)
        } catch let DecodingError.dataCorrupted(context) {
            problem(file, context.codingPath.isEmpty ? nil : Self.path(context.codingPath), "not valid JSON: \(context.debugDescription)")
        } catch {
            problem(file, nil, "not valid JSON: \(error)")
        }
        return nil
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
    }

    mutating func load(files: [String: String]) -> FormCatalog? {
        let codeLists = loadCodeLists(files)
        let root = loadRoot(files, codeLists: codeLists)
        var forms: [FormSchema] = []
        let formFiles = files.keys.filter { $0.hasPrefix("forms/") }.sorted()
        for file in formFiles {
            if let form = loadForm(file, files, root: root, codeLists: codeLists) { forms.append(form) }
        }
        checkFormList(forms, files: formFiles)
        let permissions = loadPermissions(files, forms: forms)
        for file in files.keys.sorted()
        where !["root.json", "code-lists.json", "permissions.tsv"].contains(file) && !file.hasPrefix("forms/") {
            problem(file, nil, "not a catalog file (expected root.json, code-lists.json, permissions.tsv, forms/*.json)")
        }
        guard problems.isEmpty else { return nil }
        return FormCatalog(forms: forms, root: root, codeLists: codeLists, permissions: permissions)
    }

    // Code lists.

    mutating func loadCodeLists(_ files: [String: String]) -> [String: CodeList] {
        let file = "code-lists.json"
        guard let raw = decode(RawCodeLists.self, file, from: files) else { return [:] }
        var lists: [String: CodeList] = [:]
        for (name, list) in raw.lists.sorted(by: { $0.key < $1.key }) {
            if list.codes.isEmpty { problem(file, name, "a code list needs at least one code") }
            var seen: Set<String> = []
            for code in list.codes {
                if code.code.isEmpty { problem(file, name, "empty code") }
                if !seen.insert(code.code).inserted { problem(file, name, "duplicate code \"\(code.code)\"") }
            }
            lists[name] = CodeList(
                name: name, labelJa: list.label_ja, source: list.source,
                codes: list.codes.map { CodeList.Code(code: $0.code, label: $0.label) })
        }
        return lists
    }

    // Root document.

    mutating func loadRoot(_ files: [String: String], codeLists: [String: CodeList]) -> RootSchema {
        let file = "root.json"
        guard let raw = decode(RawRoot.self, file, from: files) else { return RootSchema(description: "", items: []) }
        var items: [RootItem] = []
        var seen: Set<String> = []
        for (index, entry) in raw.paths.enumerated() {
            guard let path = entry.path, !path.isEmpty else {
                problem(file, "paths[\(index)]", "missing path")
                continue
            }
            if !seen.insert(path).inserted { problem(file, path, "duplicate path") }
            let segments = path.split(separator: ".", omittingEmptySubsequences: false)
            if segments.contains(where: { !Self.isRootSegment($0) }) {
                problem(file, path, "a path is lowerCamel segments separated by '.', a repeated row ending in \"[]\"")
            }
            if let cut = path.range(of: "[].", options: .backwards) {
                let parent = String(path[..<cut.lowerBound]) + "[]"
                if !seen.contains(parent) { problem(file, path, "its repeated row \"\(parent)\" must be declared before it") }
            }
            if entry.fields != nil || entry.maxRows != nil || entry.root != nil {
                problem(file, path, "root items have no fields, maxRows or root")
            }
            guard let type = fieldType(entry, file: file, field: path, codeLists: codeLists, fields: []) else { continue }
            if path.hasSuffix("[]") != (type.kind == "group") {
                problem(file, path, "repeated rows (paths ending in \"[]\") and only they have type group")
            }
            items.append(RootItem(path: path, labelJa: entry.label_ja ?? "", type: type))
            if (entry.label_ja ?? "").isEmpty { problem(file, path, "missing label_ja") }
        }
        return RootSchema(description: raw.description, items: items)
    }

    static func isRootSegment(_ segment: Substring) -> Bool {
        let name = segment.hasSuffix("[]") ? segment.dropLast(2) : segment
        return isLowerCamel(name)
    }

    static func isLowerCamel(_ name: Substring) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
    }

    /// The type of a field or root item, checking the attributes that go with it; nil (with a problem) if invalid.
    mutating func fieldType(
        _ raw: RawField, file: String, field: String, codeLists: [String: CodeList], fields: [FieldSchema]
    ) -> FieldType? {
        guard let kind = raw.type else {
            problem(file, field, "missing type")
            return nil
        }
        guard FieldType.kinds.contains(kind) else {
            problem(file, field, "unknown type \"\(kind)\" (one of \(FieldType.kinds.joined(separator: ", ")))")
            return nil
        }
        let attributes: [(String, Bool, Set<String>)] = [
            ("maxLength", raw.maxLength != nil, ["text"]), ("precision", raw.precision != nil, ["number"]),
            ("scale", raw.scale != nil, ["number"]), ("codeList", raw.codeList != nil, ["code"]),
            ("maxRows", raw.maxRows != nil, ["group"]),
        ]
        var valid = true
        for (name, present, allowed) in attributes where present && !allowed.contains(kind) {
            problem(file, field, "\(name) does not apply to type \(kind)")
            valid = false
        }
        if raw.fields != nil && kind != "group" {
            problem(file, field, "fields only apply to type group")
            valid = false
        }
        switch kind {
        case "text":
            guard let maxLength = raw.maxLength, maxLength > 0 else {
                problem(file, field, "type text needs maxLength > 0")
                return nil
            }
            return valid ? .text(maxLength: maxLength) : nil
        case "number":
            guard let precision = raw.precision, let scale = raw.scale, (1...38).contains(precision),
                (0...precision).contains(scale)
            else {
                problem(file, field, "type number needs precision 1…38 and scale 0…precision")
                return nil
            }
            return valid ? .number(precision: precision, scale: scale) : nil
        case "code":
            guard let list = raw.codeList else {
                problem(file, field, "type code needs codeList")
                return nil
            }
            guard codeLists[list] != nil else {
                problem(file, field, "unknown code list \"\(list)\" (not in code-lists.json)")
                return nil
            }
            return valid ? .code(list: list) : nil
        case "group":
            if let maxRows = raw.maxRows, maxRows < 0 {
                problem(file, field, "maxRows must be ≥ 0 (0 = unlimited)")
                return nil
            }
            return valid ? .group(fields: fields, maxRows: raw.maxRows ?? 0) : nil
        case "integer": return valid ? .integer : nil
        case "date": return valid ? .date : nil
        case "time": return valid ? .time : nil
        case "containerNo": return valid ? .containerNo : nil
        case "imoNumber": return valid ? .imoNumber : nil
        case "unLocode": return valid ? .unLocode : nil
        case "hsCode": return valid ? .hsCode : nil
        case "unNumber": return valid ? .unNumber : nil
        case "imdgClass": return valid ? .imdgClass : nil
        default: return valid ? .boolean : nil
        }
    }

    // Forms.

    mutating func loadForm(
        _ file: String, _ files: [String: String], root: RootSchema, codeLists: [String: CodeList]
    ) -> FormSchema? {
        guard let raw = decode(RawForm.self, file, from: files) else { return nil }
        if file != "forms/\(raw.code).json" { problem(file, "code", "the file of form \(raw.code) must be forms/\(raw.code).json") }
        let unit = FormUnit(rawValue: raw.unit)
        if unit == nil {
            problem(file, "unit", "unknown unit \"\(raw.unit)\" (one of \(FormUnit.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        if raw.editLockTrigger != FormCatalog.editLockTriggerForms.contains(raw.code) {
            problem(
                file, "editLockTrigger",
                "the edit-lock trigger forms are exactly \(FormCatalog.editLockTriggerForms.sorted().joined(separator: ", "))")
        }
        if raw.source.trimmingCharacters(in: .whitespaces).isEmpty { problem(file, "source", "say where the fields come from") }
        if raw.fields.isEmpty { problem(file, "fields", "a form needs fields") }
        let fields = loadFields(
            raw.fields, file: file, parent: nil, groupRoot: nil, unit: unit ?? .bl, root: root, codeLists: codeLists)
        return FormSchema(
            code: raw.code, nameJa: raw.name_ja, nameEn: raw.name_en, usedInExport: raw.export,
            usedInImport: raw.import, unit: unit ?? .bl, editLockTrigger: raw.editLockTrigger, source: raw.source,
            fields: fields)
    }

    /// The fields of a form (parent nil) or of a group bound to `groupRoot` ("containers[]") or to nothing.
    mutating func loadFields(
        _ raws: [RawField], file: String, parent: String?, groupRoot: String?, unit: FormUnit, root: RootSchema,
        codeLists: [String: CodeList]
    ) -> [FieldSchema] {
        var result: [FieldSchema] = []
        var names: Set<String> = []
        for (index, raw) in raws.enumerated() {
            let position = parent.map { "\($0)[\(index)]" } ?? "fields[\(index)]"
            guard let name = raw.name, Self.isLowerCamel(name[...]) else {
                problem(file, raw.name.map { parent.map { "\($0).\(raw.name ?? "")" } ?? $0 } ?? position,
                    "a field name is lowerCamel ASCII (letters and digits, first a lowercase letter)")
                continue
            }
            let field = parent.map { "\($0).\(name)" } ?? name
            if !names.insert(name).inserted { problem(file, field, "duplicate field name") }
            if (raw.label_ja ?? "").isEmpty { problem(file, field, "missing label_ja") }
            if raw.path != nil { problem(file, field, "a form field has root, not path") }
            var subfields: [FieldSchema] = []
            if raw.type == "group" {
                if parent != nil { problem(file, field, "groups cannot be nested") }
                if let rootPath = raw.root, !rootPath.hasSuffix("[]") {
                    problem(file, field, "a group binds to a repeated row of the root (a path ending in \"[]\"), not \"\(rootPath)\"")
                }
                let children = raw.fields ?? []
                if children.isEmpty { problem(file, field, "a group needs fields") }
                subfields = loadFields(
                    children, file: file, parent: field, groupRoot: raw.root, unit: unit, root: root, codeLists: codeLists)
            }
            guard let type = fieldType(raw, file: file, field: field, codeLists: codeLists, fields: subfields) else {
                continue
            }
            if let rootPath = raw.root {
                checkBinding(rootPath, type: type, file: file, field: field, parent: parent, groupRoot: groupRoot,
                    unit: unit, root: root)
            }
            result.append(FieldSchema(
                name: name, labelJa: raw.label_ja ?? "", type: type, required: raw.required ?? false, rootPath: raw.root))
        }
        return result
    }

    /// A binding must name a root item of a compatible type, inside the field's own repeated row if it is in a group.
    mutating func checkBinding(
        _ rootPath: String, type: FieldType, file: String, field: String, parent: String?, groupRoot: String?,
        unit: FormUnit, root: RootSchema
    ) {
        guard let item = root.item(at: rootPath) else {
            problem(file, field, "bound to \"\(rootPath)\", which is not a path of root.json")
            return
        }
        if parent != nil {
            guard let groupRoot else {
                problem(file, field, "bound to \"\(rootPath)\" but its group is not bound to a repeated row")
                return
            }
            if !rootPath.hasPrefix(groupRoot + ".") {
                problem(file, field, "bound to \"\(rootPath)\", outside its group's row \"\(groupRoot)\"")
                return
            }
        } else if type.kind != "group", rootPath.contains("[]") {
            // A per-container form (or EIR) is one row of containers[]; its top-level fields bind that row.
            let ownRow = (unit == .container || unit == .eir) && rootPath.hasPrefix("containers[].")
                && !rootPath.dropFirst("containers[].".count).contains("[]")
            if !ownRow {
                problem(file, field, "bound to \"\(rootPath)\" inside a repeated row; only fields of a group bound to that row (or the own row of a per-container form) may bind there")
                return
            }
        }
        if let reason = Self.incompatibility(form: type, root: item.type) {
            problem(file, field, "type \(Self.describe(type)) is not compatible with root \"\(rootPath)\" of type \(Self.describe(item.type)): \(reason)")
        }
    }

    /// Why a form field of type `form` cannot hold the root item's values (and back), or nil if it can.
    static func incompatibility(form: FieldType, root: FieldType) -> String? {
        guard form.kind == root.kind else { return "different types" }
        switch (form, root) {
        case (.text(let formLength), .text(let rootLength)):
            return formLength <= rootLength ? nil : "maxLength \(formLength) exceeds the root's \(rootLength)"
        case (.number(let p, let s), .number(let rootP, let rootS)):
            return s <= rootS && p - s <= rootP - rootS ? nil : "Number(\(p),\(s)) does not fit Number(\(rootP),\(rootS))"
        case (.code(let list), .code(let rootList)):
            return list == rootList ? nil : "code list \(list) differs from the root's \(rootList)"
        default:
            return nil
        }
    }

    static func describe(_ type: FieldType) -> String {
        switch type {
        case .text(let maxLength): "text(\(maxLength))"
        case .number(let precision, let scale): "number(\(precision),\(scale))"
        case .code(let list): "code(\(list))"
        default: type.kind
        }
    }

    /// Every form of forms.tsv exactly once, with its names and directions.
    mutating func checkFormList(_ forms: [FormSchema], files: [String]) {
        let expected = Dictionary(FormCodes.all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        for form in forms {
            let file = "forms/\(form.code).json"
            guard let entry = expected[form.code] else {
                problem(file, "code", "\(form.code) is not a form of forms.tsv")
                continue
            }
            if !seen.insert(form.code).inserted { problem(file, "code", "form \(form.code) appears more than once") }
            if form.nameJa != entry.ja { problem(file, "name_ja", "expected \"\(entry.ja)\" (forms.tsv)") }
            if form.nameEn != entry.en { problem(file, "name_en", "expected \"\(entry.en)\" (forms.tsv)") }
            if form.usedInExport != entry.export { problem(file, "export", "expected \(entry.export) (forms.tsv)") }
            if form.usedInImport != entry.import { problem(file, "import", "expected \(entry.import) (forms.tsv)") }
        }
        for entry in FormCodes.all where !seen.contains(entry.code) && !files.contains("forms/\(entry.code).json") {
            problem("forms/\(entry.code).json", nil, "missing: every form of forms.tsv needs a schema")
        }
    }

    // Permissions.

    mutating func loadPermissions(_ files: [String: String], forms: [FormSchema]) -> PermissionMatrix {
        let file = "permissions.tsv"
        guard let text = files[file] else {
            problem(file, nil, "missing")
            return PermissionMatrix(entries: [])
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = ["business_type", "form", "permission", "reason"]
        guard let first = lines.first, first.split(separator: "\t").map(String.init) == header else {
            problem(file, "row 1", "the header must be \(header.joined(separator: "<TAB>"))")
            return PermissionMatrix(entries: [])
        }
        let knownForms = Set(FormCodes.all.map(\.code))
        var entries: [PermissionEntry] = []
        var seen: Set<String> = []
        for (index, line) in lines.enumerated().dropFirst() {
            let row = "row \(index + 1)"
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count == 4 else {
                problem(file, row, "expected 4 tab-separated columns, found \(columns.count)")
                continue
            }
            let (businessType, form, value, reason) = (columns[0], columns[1], columns[2], columns[3])
            let at = "\(row) (\(businessType) × \(form))"
            var valid = true
            if !BusinessTypes.keys.contains(businessType) {
                problem(file, at, "unknown business type \"\(businessType)\"")
                valid = false
            }
            if !knownForms.contains(form) {
                problem(file, at, "unknown form \"\(form)\"")
                valid = false
            }
            guard let permission = Permission(rawValue: value) else {
                problem(file, at, "permission must be RW, R or -, not \"\(value)\"")
                continue
            }
            if reason.trimmingCharacters(in: .whitespaces).count < 10 {
                problem(file, at, "give a reason (who issues the document, who consumes it)")
            }
            if !seen.insert("\(businessType)/\(form)").inserted {
                problem(file, at, "duplicate row")
                valid = false
            }
            if valid {
                entries.append(PermissionEntry(businessType: businessType, form: form, permission: permission, reason: reason))
            }
        }
        let matrix = PermissionMatrix(entries: entries)
        for form in FormCodes.all.map(\.code) {
            for businessType in BusinessTypes.keys where matrix.entry(businessType: businessType, form: form) == nil {
                problem(file, "\(businessType) × \(form)", "missing row: every business type × form needs a permission")
            }
            if !matrix.entries(form: form).isEmpty, !matrix.entries(form: form).contains(where: { $0.permission == .readWrite }) {
                problem(file, form, "no business type has RW on \(form): nobody could issue it")
            }
        }
        return matrix
    }
}
