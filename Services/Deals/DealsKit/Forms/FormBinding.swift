import PortServiceKit

/// Where one top-level field of a form keeps its value.
enum FieldBinding: Sendable, Hashable {
    /// An unbound field: the form's own data.
    case own
    /// Bound to a scalar item of the root document ("seaWay.vesselName").
    case shared(path: String)
    /// A top-level field of a per-container or per-EIR form bound to an item of ITS container's row of
    /// `containers[]` ("sealNo" for "containers[].sealNo").
    case containerItem(item: String)
    /// An unbound group: rows in the form's own data.
    case ownGroup
    /// A group bound to a repeated item of the root document ("containers[]"); its sub-fields bind items of the row.
    case sharedGroup(path: String)

    init(_ field: FieldSchema) {
        let isGroup = field.type.kind == "group"
        switch (field.rootPath, isGroup) {
        case (nil, false): self = .own
        case (nil, true): self = .ownGroup
        case (let path?, true): self = .sharedGroup(path: path)
        case (let path?, false):
            if let (group, item) = RootPath.rowItem(path), group == RootPath.containers {
                self = .containerItem(item: item)
            } else {
                self = .shared(path: path)
            }
        }
    }
}

/// A group bound to the root: its sub-fields and the root items they bind (nil for the form's own sub-fields).
struct SharedGroup: Sendable {
    let field: FieldSchema
    let path: String
    let subfields: [(field: FieldSchema, item: String?)]
    /// The sub-field holding the container number when the group binds `containers[]` (rows keyed by it).
    let keySubfield: String?

    init(field: FieldSchema, path: String) {
        self.field = field
        self.path = path
        subfields = field.fields.map { sub in (sub, sub.rootPath.flatMap { RootPath.rowItem($0)?.item }) }
        keySubfield = path == RootPath.containers
            ? subfields.first(where: { $0.item == RootPath.containerKey })?.field.name : nil
    }

    var hasOwnSubfields: Bool { subfields.contains { $0.item == nil } }
}

/// The validated input of an UpdateForm call: canonical values of the masked fields (blank = clear).
struct FormUpdate: Sendable {
    /// The masked field names, the container-number field of a per-EIR form first.
    var fields: [String]
    var values: [String: String]
    var groups: [String: [[String: String]]]
}

/// One form's view of the deal's data: how its fields read and write its own data and the root document.
///
/// - A scalar bound to a scalar path reads and writes that item of the root document.
/// - A group bound to `containers[]` reads every container row and writes them keyed by container number: rows absent
///   from the update are removed, a row whose number exists keeps the items the form does not carry.
/// - A group bound to another repeated item (`cargoLines[]`, `containerRequests[]`, `dangerousMaterials.goods[]`) is
///   positional: row i's carried items are replaced, its other items kept, rows beyond the update removed.
/// - The top-level `containers[].…` fields of a per-container form bind the row of its container (the unit key); those
///   of a per-EIR form the row of the container number written in the form. The row is created by the first write of
///   one of its items (other than the number itself).
/// - Unbound fields and unbound sub-fields are the form's own data; the own sub-fields of a bound group follow its
///   rows (by container number, or by position).
struct FormBinding: Sendable {
    let schema: FormSchema
    let unitKey: String

    init(schema: FormSchema, unitKey: String) {
        self.schema = schema
        self.unitKey = unitKey
    }

    init(_ id: FormID) { self.init(schema: id.schema, unitKey: id.unitKey) }

    /// The top-level field bound to its container's number (per-container and per-EIR forms).
    var containerKeyField: FieldSchema? {
        guard schema.unit == .container || schema.unit == .eir else { return nil }
        return schema.fields.first { FieldBinding($0) == .containerItem(item: RootPath.containerKey) }
    }

    /// The container whose row the form's container fields bind: the unit key, or the number written in an EIR.
    func containerKey(own: FormContent) -> String? {
        switch schema.unit {
        case .container: return unitKey
        case .eir: return containerKeyField.flatMap { own.values[$0.name] }.flatMap { $0.isEmpty ? nil : $0 }
        case .bl, .unlimited: return nil
        }
    }

    // MARK: Reading

    /// What the form shows: its own data merged with the values it binds in the root document.
    func view(own: FormContent, root: RootDocument) -> FormContent {
        var view = FormContent()
        let key = containerKey(own: own)
        let containerRow = key.flatMap { key in root.rows(RootPath.containers).first { $0[RootPath.containerKey] == key } }
        for field in schema.fields {
            switch FieldBinding(field) {
            case .own: view.set(field.name, own.values[field.name])
            case .shared(let path): view.set(field.name, root.values[path])
            case .containerItem(let item):
                view.set(field.name, item == RootPath.containerKey ? key : containerRow?[item])
            case .ownGroup: view.set(group: field.name, own.groups[field.name] ?? [])
            case .sharedGroup(let path):
                view.set(group: field.name, rows(of: SharedGroup(field: field, path: path), own: own, root: root))
            }
        }
        return view
    }

    private func rows(of group: SharedGroup, own: FormContent, root: RootDocument) -> [[String: String]] {
        let ownRows = own.groups[group.field.name] ?? []
        return root.rows(group.path).enumerated().map { index, rootRow in
            var row: [String: String] = [:]
            var ownRow: [String: String]?
            if group.hasOwnSubfields {
                if let keySub = group.keySubfield {
                    ownRow = ownRows.first { $0[keySub] != nil && $0[keySub] == rootRow[RootPath.containerKey] }
                } else if index < ownRows.count {
                    ownRow = ownRows[index]
                }
            }
            for (sub, item) in group.subfields {
                let value = item.map { rootRow[$0] } ?? ownRow?[sub.name]
                if let value, !value.isEmpty { row[sub.name] = value }
            }
            return row
        }
    }

    // MARK: Writing

    /// Applies `update` to the form's own data and the root document. Returns, for every written field, the lockable
    /// root path it writes (a scalar path, or the group path of its rows), for the edit-lock check.
    func apply(
        _ update: FormUpdate, own: inout FormContent, root: inout RootDocument
    ) throws -> [(field: String, path: String)] {
        var touched: [(field: String, path: String)] = []
        for name in update.fields {
            guard let field = schema.field(named: name) else { continue }
            switch FieldBinding(field) {
            case .own: own.set(name, update.values[name])
            case .shared(let path):
                root.set(path, update.values[name])
                touched.append((name, path))
            case .containerItem(let item):
                if item == RootPath.containerKey {
                    // A per-container form's number is its unit key (checked with the input); an EIR's points at a row.
                    if schema.unit == .eir { own.set(name, update.values[name]) }
                    continue
                }
                let value = update.values[name] ?? ""
                guard let key = containerKey(own: own) else {
                    if value.isEmpty { continue }
                    throw APIError.invalidArgument(
                        field: "form.data.values[\(name)]",
                        "\(schema.code) \(name): CONTAINER_NO_REQUIRED: fill in \(containerKeyField?.name ?? "the container number") first: the field belongs to that container's row",
                        reason: "CONTAINER_NO_REQUIRED")
                }
                var rows = root.rows(RootPath.containers)
                if let index = rows.firstIndex(where: { $0[RootPath.containerKey] == key }) {
                    if value.isEmpty { rows[index].removeValue(forKey: item) } else { rows[index][item] = value }
                } else if !value.isEmpty {
                    rows.append([RootPath.containerKey: key, item: value])
                }
                root.set(rows: RootPath.containers, rows)
                touched.append((name, RootPath.containers))
            case .ownGroup: own.set(group: name, update.groups[name] ?? [])
            case .sharedGroup(let path):
                write(SharedGroup(field: field, path: path), rows: update.groups[name] ?? [], own: &own, root: &root)
                touched.append((name, path))
            }
        }
        return touched
    }

    private func write(
        _ group: SharedGroup, rows input: [[String: String]], own: inout FormContent, root: inout RootDocument
    ) {
        let before = root.rows(group.path)
        var rootRows: [[String: String]] = []
        var ownRows: [[String: String]] = []
        for (index, row) in input.enumerated() {
            var base: [String: String]
            let key = group.keySubfield.flatMap { row[$0] }
            if let key {
                base = before.first { $0[RootPath.containerKey] == key } ?? [:]
            } else {
                base = index < before.count ? before[index] : [:]
            }
            var ownRow: [String: String] = [:]
            if let keySub = group.keySubfield, let key { ownRow[keySub] = key }
            for (sub, item) in group.subfields {
                if let item {
                    if let value = row[sub.name], !value.isEmpty { base[item] = value } else { base.removeValue(forKey: item) }
                } else if let value = row[sub.name], !value.isEmpty {
                    ownRow[sub.name] = value
                }
            }
            rootRows.append(base)
            ownRows.append(ownRow)
        }
        root.set(rows: group.path, rootRows)
        if group.hasOwnSubfields { own.set(group: group.field.name, ownRows) }
    }

    // MARK: What the form binds

    /// Every field that writes a lockable root path, with that path (group paths for rows).
    var lockablePaths: [(field: String, path: String)] {
        schema.fields.compactMap { field in
            switch FieldBinding(field) {
            case .shared(let path), .sharedGroup(let path): (field.name, path)
            case .containerItem(let item) where item != RootPath.containerKey: (field.name, RootPath.containers)
            default: nil
            }
        }
    }

    /// The root items the form shows: scalar paths (item nil) and group paths with one of their row items.
    var sharedItems: [(path: String, item: String?)] {
        schema.fields.flatMap { field -> [(path: String, item: String?)] in
            switch FieldBinding(field) {
            case .shared(let path): return [(path, nil)]
            case .containerItem(let item): return [(RootPath.containers, item)]
            case .sharedGroup(let path):
                return SharedGroup(field: field, path: path).subfields.compactMap { sub in sub.item.map { (path, $0) } }
            case .own, .ownGroup: return []
            }
        }
    }

    /// The required fields `view` leaves empty: "vesselName", "containers" (no rows), "containers[1].sealNo".
    func missingRequired(in view: FormContent) -> [String] {
        var missing: [String] = []
        for field in schema.fields {
            if field.type.kind == "group" {
                let rows = view.groups[field.name] ?? []
                if field.required && rows.isEmpty { missing.append(field.name) }
                for (index, row) in rows.enumerated() {
                    for sub in field.fields where sub.required && (row[sub.name] ?? "").isEmpty {
                        missing.append("\(field.name)[\(index)].\(sub.name)")
                    }
                }
            } else if field.required && (view.values[field.name] ?? "").isEmpty {
                missing.append(field.name)
            }
        }
        return missing
    }
}
