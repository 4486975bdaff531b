/// Encodes proto3 JSON into protobuf wire bytes, one message at a time, following the descriptors of a pool.
/// Fields are written in field-number order, as protobuf serializers do.
struct JSONToWireEncoder {
    let pool: DescriptorPool
    let options: ProtoJSONCodec.Options

    /// Encodes a JSON value of a message type (including the well-known types).
    func encodeMessage(_ json: JSONValue, typeName: String, path: String, depth: Int) throws(ProtoJSONError) -> [UInt8]
    {
        guard depth < options.maxDepth else {
            throw ProtoJSONError(path: path, reason: .depthLimitExceeded(options.maxDepth))
        }
        if let wellKnown = WellKnownType(rawValue: typeName) {
            return try encodeWellKnown(wellKnown, json, path: path, depth: depth)
        }
        guard let message = pool.message(typeName) else {
            throw ProtoJSONError(path: path, reason: .unknownType(typeName))
        }
        guard case .object(let object) = json else {
            throw invalid(path, "expected object for message \(typeName), got \(json.kindName)")
        }
        return try encodeFields(of: object, message: message, path: path, depth: depth)
    }

    /// Encodes the members of a JSON object as the fields of `message`, skipping the keys in `skipping` (the
    /// `@type` of an Any).
    func encodeFields(
        of object: JSONObject, message: MessageDescriptor, path: String, depth: Int, skipping: Set<String> = []
    ) throws(ProtoJSONError) -> [UInt8] {
        let explicitPresence = ProtoJSONRules.hasExplicitPresence(message, in: pool)
        var chunks: [(number: Int, bytes: [UInt8])] = []
        var keyByFieldNumber: [Int: String] = [:]
        var keyByOneof: [Int: String] = [:]
        for member in object where !skipping.contains(member.key) {
            guard let field = message.field(named: member.key) else {
                if options.ignoreUnknownFields { continue }
                throw ProtoJSONError(
                    path: path, reason: .unknownField(name: member.key, messageType: message.fullName))
            }
            let fieldPath = JSONPath.member(path, member.key)
            if let previous = keyByFieldNumber[field.number] {
                throw ProtoJSONError(
                    path: path, reason: .duplicateField(field: field.name, firstKey: previous, secondKey: member.key))
            }
            keyByFieldNumber[field.number] = member.key
            if member.value == .null && !acceptsNull(field) { continue }
            if let oneof = field.oneofIndex, !field.isProto3Optional {
                if let other = keyByOneof[oneof] {
                    let oneofName = oneof < message.oneofs.count ? message.oneofs[oneof] : "#\(oneof)"
                    throw ProtoJSONError(
                        path: path, reason: .oneofConflict(oneof: oneofName, first: other, second: member.key))
                }
                keyByOneof[oneof] = member.key
            }
            var out = WireOutput()
            try encodeField(
                member.value, field: field, in: message, explicitPresence: explicitPresence, path: fieldPath,
                depth: depth, to: &out)
            chunks.append((field.number, out.bytes))
        }
        var result: [UInt8] = []
        for chunk in chunks.sorted(by: { $0.number < $1.number }) { result.append(contentsOf: chunk.bytes) }
        return result
    }

    /// Whether JSON null is a value for the field rather than "unset": google.protobuf.Value and NullValue.
    private func acceptsNull(_ field: FieldDescriptor) -> Bool {
        guard !field.isRepeated else { return false }
        return (field.type == .message && field.typeName == WellKnownType.value.rawValue)
            || (field.type == .enum && field.typeName == WellKnownType.nullValueEnum)
    }

    private func encodeField(
        _ json: JSONValue, field: FieldDescriptor, in message: MessageDescriptor, explicitPresence: Bool,
        path: String, depth: Int, to out: inout WireOutput
    ) throws(ProtoJSONError) {
        if field.type == .group {
            throw ProtoJSONError(path: path, reason: .unsupported("group fields are not supported"))
        }
        if let entry = ProtoJSONRules.mapEntry(of: field, in: pool) {
            guard case .object(let object) = json else {
                throw invalid(path, "expected object (map), got \(json.kindName)")
            }
            for member in object {
                let entryBytes = try encodeMapEntry(
                    member, entry: entry, path: JSONPath.key(path, member.key), depth: depth)
                out.writeField(field.number, bytes: entryBytes)
            }
            return
        }
        if field.isRepeated {
            guard case .array(let elements) = json else { throw invalid(path, "expected array, got \(json.kindName)") }
            let packed = ProtoJSONRules.isPacked(field, in: message, pool: pool)
            var packedPayload = WireOutput()
            for (i, element) in elements.enumerated() {
                let elementPath = JSONPath.index(path, i)
                if element == .null && !(field.type == .message && field.typeName == WellKnownType.value.rawValue) {
                    throw invalid(elementPath, "null is not allowed in a repeated field")
                }
                guard let value = try encodeValue(element, field: field, path: elementPath, depth: depth) else {
                    continue
                }
                if packed {
                    value.writePayload(to: &packedPayload)
                } else {
                    value.write(fieldNumber: field.number, to: &out)
                }
            }
            if packed && !packedPayload.bytes.isEmpty { out.writeField(field.number, bytes: packedPayload.bytes) }
            return
        }
        guard let value = try encodeValue(json, field: field, path: path, depth: depth) else { return }
        if value.isDefault && !ProtoJSONRules.tracksPresence(field, explicitPresenceSyntax: explicitPresence) { return }
        value.write(fieldNumber: field.number, to: &out)
    }

    /// One value of a field (an element, for repeated fields).
    private func encodeValue(
        _ json: JSONValue, field: FieldDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> WireValue? {
        if field.type == .message {
            return .lengthDelimited(try encodeMessage(json, typeName: field.typeName, path: path, depth: depth + 1))
        }
        return try encodeScalar(json, type: field.type, enumTypeName: field.typeName, path: path)
    }

    private func encodeMapEntry(
        _ member: JSONObject.Member, entry: MessageDescriptor, path: String, depth: Int
    ) throws(ProtoJSONError) -> [UInt8] {
        guard let keyField = entry.field(number: 1), let valueField = entry.field(number: 2) else {
            throw invalid(path, "map entry \(entry.fullName) lacks its key or value field")
        }
        var out = WireOutput()
        try encodeMapKey(member.key, type: keyField.type, path: path).write(fieldNumber: 1, to: &out)
        if member.value == .null && !acceptsNull(valueField) {
            throw invalid(path, "null is not allowed as a map value")
        }
        if let value = try encodeValue(member.value, field: valueField, path: path, depth: depth) {
            value.write(fieldNumber: 2, to: &out)
        }
        return out.bytes
    }

    /// Map keys are JSON strings for every key type.
    private func encodeMapKey(_ key: String, type: FieldType, path: String) throws(ProtoJSONError) -> WireValue {
        switch type {
        case .string: return .lengthDelimited(Array(key.utf8))
        case .bool:
            switch key {
            case "true": return .varint(1)
            case "false": return .varint(0)
            default: throw invalid(path, "expected map key \"true\" or \"false\", got \"\(key)\"")
            }
        default:
            guard let value = try encodeScalar(.string(key), type: type, enumTypeName: "", path: path) else {
                throw invalid(path, "invalid map key \"\(key)\"")
            }
            return value
        }
    }
}
