import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

/// Validation of UpdateForm input against the form's schema, before anything is read from the database.
///
/// The mask lists top-level field names and group names (a group is replaced as a whole), lowerCamel or snake_case. Every name in the mask and
/// in `form.data` must be a field of the form (INVALID_ARGUMENT naming it); values of fields outside the mask are
/// ignored. Each written value is checked with its field's rules (``FieldRules``) and stored in canonical form; an
/// invalid one is INVALID_ARGUMENT naming `form.data.values[vesselName]` or
/// `form.data.groups[containers].rows[2].values[containerNo]`, with a message naming the form, the field and the rule
/// ("UL090 containerNo: ISO6346_CHECK_DIGIT: …"). More rows than the group allows is RESOURCE_EXHAUSTED.
enum FormInput {
    static func update(
        mask: Google_Protobuf_FieldMask?, data: Cyberport_Deals_V1_FormData, binding: FormBinding, catalog: FormCatalog
    ) throws -> FormUpdate {
        let schema = binding.schema
        let paths = mask?.paths ?? []
        guard !paths.isEmpty else {
            throw APIError.invalidArgument(
                field: "update_mask", "is required: list the fields to write (field names and group names of \(schema.code))",
                reason: "REQUIRED_FIELD")
        }
        var fields: [String] = []
        for path in paths {
            let name = fieldName(maskPath: path)
            guard schema.field(named: name) != nil else {
                throw APIError.invalidArgument(field: "update_mask", "\(schema.code) has no field \"\(path)\"", reason: "UNKNOWN_FIELD")
            }
            if !fields.contains(name) { fields.append(name) }
        }
        for name in data.values.keys.sorted() {
            guard let field = schema.field(named: name) else {
                throw APIError.invalidArgument(
                    field: "form.data.values[\(name)]", "\(schema.code) has no field \"\(name)\"", reason: "UNKNOWN_FIELD")
            }
            if field.type.kind == "group" {
                throw APIError.invalidArgument(
                    field: "form.data.values[\(name)]", "\(schema.code) \(name) is a group: give its rows in form.data.groups[\(name)]")
            }
        }
        for name in data.groups.keys.sorted() {
            guard let field = schema.field(named: name) else {
                throw APIError.invalidArgument(
                    field: "form.data.groups[\(name)]", "\(schema.code) has no group \"\(name)\"", reason: "UNKNOWN_FIELD")
            }
            if field.type.kind != "group" {
                throw APIError.invalidArgument(
                    field: "form.data.groups[\(name)]", "\(schema.code) \(name) is not a group: give it in form.data.values[\(name)]")
            }
        }
        var values: [String: String] = [:]
        var groups: [String: [[String: String]]] = [:]
        for name in fields {
            guard let field = schema.field(named: name) else { continue }
            if case .group(_, let maxRows) = field.type {
                groups[name] = try rows(data.groups[name]?.rows ?? [], of: field, maxRows: maxRows, binding: binding, catalog: catalog)
            } else {
                let value = try normalize(
                    data.values[name] ?? "", field: field, at: "form.data.values[\(name)]", label: name, schema: schema,
                    catalog: catalog)
                if let keyField = binding.containerKeyField, keyField.name == name, binding.schema.unit == .container,
                    !value.isEmpty, value != binding.unitKey
                {
                    throw APIError.invalidArgument(
                        field: "form.data.values[\(name)]",
                        "\(schema.code) \(name): UNIT_KEY: this form belongs to container \(binding.unitKey); create the form of \(value) instead",
                        reason: "UNIT_KEY")
                }
                values[name] = value
            }
        }
        // An EIR's container number decides which row its other container fields write: apply it first.
        if let keyField = binding.containerKeyField, let index = fields.firstIndex(of: keyField.name) {
            fields.remove(at: index)
            fields.insert(keyField.name, at: 0)
        }
        return FormUpdate(fields: fields, values: values, groups: groups)
    }

    /// The field name a mask path stands for. The proto3 JSON mapping (the `cyberport` CLI, grpcurl, …) turns a
    /// mask's lowerCamel paths into snake_case on the wire ("vesselName" arrives as "vessel_name"): both spellings
    /// are accepted.
    static func fieldName(maskPath path: String) -> String {
        guard path.contains("_") else { return path }
        var result = ""
        var upperNext = false
        for character in path {
            if character == "_" {
                upperNext = true
            } else {
                result += upperNext ? character.uppercased() : String(character)
                upperNext = false
            }
        }
        return result
    }

    private static func rows(
        _ input: [Cyberport_Deals_V1_FormRow], of field: FieldSchema, maxRows: Int, binding: FormBinding,
        catalog: FormCatalog
    ) throws -> [[String: String]] {
        let schema = binding.schema
        let location = "form.data.groups[\(field.name)]"
        if maxRows > 0, input.count > maxRows {
            throw APIError.make(
                .resourceExhausted, "\(location): \(schema.code) \(field.name) has at most \(maxRows) rows; got \(input.count)",
                reason: "TOO_MANY_ROWS", metadata: ["field": location, "maxRows": "\(maxRows)"])
        }
        let keySubfield = field.rootPath == RootPath.containers
            ? SharedGroup(field: field, path: RootPath.containers).keySubfield : nil
        var keys: Set<String> = []
        var result: [[String: String]] = []
        for (index, row) in input.enumerated() {
            var normalized: [String: String] = [:]
            for name in row.values.keys.sorted() {
                let at = "\(location).rows[\(index)].values[\(name)]"
                guard let sub = field.fields.first(where: { $0.name == name }) else {
                    throw APIError.invalidArgument(
                        field: at, "\(schema.code) \(field.name) has no sub-field \"\(name)\"", reason: "UNKNOWN_FIELD")
                }
                let value = try normalize(
                    row.values[name] ?? "", field: sub, at: at, label: "\(field.name)[\(index)].\(name)", schema: schema,
                    catalog: catalog)
                if !value.isEmpty { normalized[name] = value }
            }
            if let keySubfield {
                let at = "\(location).rows[\(index)].values[\(keySubfield)]"
                guard let key = normalized[keySubfield] else {
                    throw APIError.invalidArgument(
                        field: at, "\(schema.code) \(field.name)[\(index)].\(keySubfield): REQUIRED_KEY: container rows are keyed by the container number",
                        reason: "REQUIRED_KEY")
                }
                guard keys.insert(key).inserted else {
                    throw APIError.invalidArgument(
                        field: at, "\(schema.code) \(field.name)[\(index)].\(keySubfield): DUPLICATE_KEY: container \(key) appears twice",
                        reason: "DUPLICATE_KEY")
                }
            }
            result.append(normalized)
        }
        return result
    }

    private static func normalize(
        _ value: String, field: FieldSchema, at location: String, label: String, schema: FormSchema, catalog: FormCatalog
    ) throws -> String {
        switch FieldRules.normalize(value, field: field, catalog: catalog) {
        case .valid(let normalized): return normalized
        case .invalid(let violation):
            throw APIError.invalidArgument(field: location, "\(schema.code) \(label): \(violation)", reason: violation.rule)
        }
    }
}
