/// Decodes protobuf wire bytes into proto3 JSON following the descriptors of a pool. Fields come out in declaration
/// order; unknown fields are skipped; for singular fields the last occurrence wins and message fields given several
/// times are merged, as protobuf parsers do.
struct WireToJSONDecoder {
    let pool: DescriptorPool
    let options: ProtoJSONCodec.Options
    /// The whole input; messages are decoded from ranges of it.
    let bytes: [UInt8]

    func malformed(_ path: String, _ error: WireFormatError) -> ProtoJSONError {
        ProtoJSONError(path: path, reason: .malformedBinary(error.description))
    }

    func invalid(_ path: String, _ text: String) -> ProtoJSONError {
        ProtoJSONError(path: path, reason: .invalidValue(text))
    }

    /// A decoder of other bytes (merged message fields are decoded from a concatenation of their occurrences).
    func with(bytes other: [UInt8]) -> WireToJSONDecoder {
        WireToJSONDecoder(pool: pool, options: options, bytes: other)
    }

    /// Decodes `bytes[range]` as a message of the given type (including the well-known types).
    func decodeMessage(
        _ range: Range<Int>, typeName: String, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard depth < options.maxDepth else {
            throw ProtoJSONError(path: path, reason: .depthLimitExceeded(options.maxDepth))
        }
        if let wellKnown = WellKnownType(rawValue: typeName) {
            return try decodeWellKnown(wellKnown, range, path: path, depth: depth)
        }
        guard let message = pool.message(typeName) else {
            throw ProtoJSONError(path: path, reason: .unknownType(typeName))
        }
        return .object(try decodeFields(range, message: message, path: path, depth: depth))
    }

    /// The fields of a message as JSON object members.
    func decodeFields(
        _ range: Range<Int>, message: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONObject {
        let fieldsByNumber = try collect(range, message: message, path: path)
        let explicitPresence = ProtoJSONRules.hasExplicitPresence(message, in: pool)
        var object = JSONObject()
        for field in message.fields {
            let key = options.useProtoFieldNames ? field.name : field.jsonName
            let fieldPath = JSONPath.member(path, key)
            let occurrences = fieldsByNumber.values[field.number] ?? []
            if let oneof = field.oneofIndex, !field.isProto3Optional,
                fieldsByNumber.lastOneofMember[oneof] != field.number
            {
                continue
            }
            if field.type == .group {
                if occurrences.isEmpty { continue }
                throw ProtoJSONError(path: fieldPath, reason: .unsupported("group fields are not supported"))
            }
            if let entry = ProtoJSONRules.mapEntry(of: field, in: pool) {
                if occurrences.isEmpty && !options.emitDefaultValues { continue }
                object.append(key, try decodeMap(occurrences, entry: entry, path: fieldPath, depth: depth))
            } else if field.isRepeated {
                if occurrences.isEmpty && !options.emitDefaultValues { continue }
                object.append(key, .array(try decodeRepeated(occurrences, field: field, path: fieldPath, depth: depth)))
            } else if let value = try decodeSingular(occurrences, field: field, path: fieldPath, depth: depth) {
                let isDefault = value.isDefault
                if value.json == .null && field.typeName != WellKnownType.value.rawValue
                    && field.typeName != WellKnownType.nullValueEnum
                {
                    continue
                }
                if isDefault && !options.emitDefaultValues
                    && !ProtoJSONRules.tracksPresence(field, explicitPresenceSyntax: explicitPresence)
                {
                    continue
                }
                object.append(key, value.json)
            } else if options.emitDefaultValues
                && !ProtoJSONRules.tracksPresence(field, explicitPresenceSyntax: explicitPresence)
            {
                object.append(key, try defaultValue(field, path: fieldPath))
            }
        }
        return object
    }

    /// The occurrences of each known field, in wire order, and which member of each oneof came last.
    struct CollectedFields {
        var values: [Int: [RawWireValue]] = [:]
        var lastOneofMember: [Int: Int] = [:]
    }

    private func collect(
        _ range: Range<Int>, message: MessageDescriptor, path: String
    ) throws(ProtoJSONError) -> CollectedFields {
        var collected = CollectedFields()
        var reader = WireReader(bytes, range: range)
        var fieldIndex: [Int: FieldDescriptor] = [:]
        for field in message.fields { fieldIndex[field.number] = field }
        do {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readKey()
                guard let field = fieldIndex[number], wireType != .startGroup, wireType != .endGroup else {
                    try reader.skip(wireType)
                    continue
                }
                let raw = try RawWireValue.read(wireType, from: &reader)
                let matches =
                    wireType == ProtoJSONRules.wireType(of: field.type)
                    || (field.isRepeated && ProtoJSONRules.isPackable(field.type) && wireType == .lengthDelimited)
                guard matches else { continue }  // A wire type mismatch makes the value an unknown field.
                collected.values[number, default: []].append(raw)
                if let oneof = field.oneofIndex { collected.lastOneofMember[oneof] = number }
            }
        } catch {
            throw malformed(path, error)
        }
        return collected
    }

    /// A decoded singular value and whether it equals the type's default.
    struct DecodedValue {
        var json: JSONValue
        var isDefault: Bool
    }

    /// The value of a singular field, or nil when it is absent.
    private func decodeSingular(
        _ occurrences: [RawWireValue], field: FieldDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> DecodedValue? {
        guard let last = occurrences.last else { return nil }
        if field.type == .message {
            return DecodedValue(
                json: try decodeMergedMessage(occurrences, typeName: field.typeName, path: path, depth: depth + 1),
                isDefault: false)
        }
        return try decodeScalar(last, type: field.type, enumTypeName: field.typeName, path: path)
    }

    /// Decodes every occurrence of a message field as one message (protobuf merges them).
    func decodeMergedMessage(
        _ occurrences: [RawWireValue], typeName: String, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        let ranges = occurrences.compactMap { raw -> Range<Int>? in
            if case .lengthDelimited(let r) = raw { return r }
            return nil
        }
        if ranges.count == 1 { return try decodeMessage(ranges[0], typeName: typeName, path: path, depth: depth) }
        var merged: [UInt8] = []
        for r in ranges { merged.append(contentsOf: bytes[r]) }
        return try with(bytes: merged).decodeMessage(0..<merged.count, typeName: typeName, path: path, depth: depth)
    }

    private func decodeRepeated(
        _ occurrences: [RawWireValue], field: FieldDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [JSONValue] {
        var elements: [JSONValue] = []
        for raw in occurrences {
            let elementPath = JSONPath.index(path, elements.count)
            if field.type == .message {
                guard case .lengthDelimited(let r) = raw else { continue }
                elements.append(try decodeMessage(r, typeName: field.typeName, path: elementPath, depth: depth + 1))
            } else if case .lengthDelimited(let r) = raw, ProtoJSONRules.isPackable(field.type) {
                var reader = WireReader(bytes, range: r)
                while !reader.isAtEnd {
                    let element: RawWireValue
                    do {
                        element = try RawWireValue.read(ProtoJSONRules.wireType(of: field.type), from: &reader)
                    } catch {
                        throw malformed(JSONPath.index(path, elements.count), error)
                    }
                    elements.append(
                        try decodeScalar(
                            element, type: field.type, enumTypeName: field.typeName,
                            path: JSONPath.index(path, elements.count)
                        ).json)
                }
            } else {
                elements.append(
                    try decodeScalar(raw, type: field.type, enumTypeName: field.typeName, path: elementPath).json)
            }
        }
        return elements
    }

    private func decodeMap(
        _ occurrences: [RawWireValue], entry: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard let keyField = entry.field(number: 1), let valueField = entry.field(number: 2) else {
            throw invalid(path, "map entry \(entry.fullName) lacks its key or value field")
        }
        var object = JSONObject()
        var indexByKey: [String: Int] = [:]
        for raw in occurrences {
            guard case .lengthDelimited(let r) = raw else { continue }
            let fields = try collect(r, message: entry, path: path)
            let keyJSON = try decodeSingular(fields.values[1] ?? [], field: keyField, path: path, depth: depth)?.json
            let key =
                try keyJSON.map { (json) throws(ProtoJSONError) -> String in try mapKeyText(json) }
                ?? (keyField.type == .bool ? "false" : keyField.type == .string ? "" : "0")
            let valuePath = JSONPath.key(path, key)
            let value: JSONValue
            if let decoded = try decodeSingular(
                fields.values[2] ?? [], field: valueField, path: valuePath, depth: depth)
            {
                value = decoded.json
            } else if valueField.type == .message {
                value = try decodeMessage(0..<0, typeName: valueField.typeName, path: valuePath, depth: depth + 1)
            } else {
                value = try defaultValue(valueField, path: valuePath)
            }
            if let index = indexByKey[key] {
                object.members[index].value = value
            } else {
                indexByKey[key] = object.count
                object.append(key, value)
            }
        }
        return .object(object)
    }

    private func mapKeyText(_ json: JSONValue) throws(ProtoJSONError) -> String {
        switch json {
        case .string(let s), .number(let s): return s
        case .bool(let b): return b ? "true" : "false"
        default: throw invalid("", "invalid map key")
        }
    }

    /// The JSON of a scalar field at its default value.
    func defaultValue(_ field: FieldDescriptor, path: String) throws(ProtoJSONError) -> JSONValue {
        let zero: RawWireValue
        switch ProtoJSONRules.wireType(of: field.type) {
        case .fixed32: zero = .fixed32(0)
        case .fixed64: zero = .fixed64(0)
        case .lengthDelimited: zero = .lengthDelimited(0..<0)
        default: zero = .varint(0)
        }
        return try decodeScalar(zero, type: field.type, enumTypeName: field.typeName, path: path).json
    }
}
