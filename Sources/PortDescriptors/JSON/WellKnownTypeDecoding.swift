/// Wire → JSON conversion of the well-known types.
extension WireToJSONDecoder {
    func decodeWellKnown(
        _ type: WellKnownType, _ range: Range<Int>, path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        let fields = try rawFields(range, path: path)
        if let wrapped = type.wrappedType {
            guard
                let raw = fields.last(where: {
                    $0.number == 1 && $0.value.wireType == ProtoJSONRules.wireType(of: wrapped)
                })?.value
            else {
                return try defaultValue(
                    FieldDescriptor(name: "value", number: 1, label: .optional, type: wrapped), path: path)
            }
            return try decodeScalar(raw, type: wrapped, enumTypeName: "", path: path).json
        }
        switch type {
        case .timestamp, .duration:
            let seconds = Int64(bitPattern: lastVarint(fields, 1) ?? 0)
            let nanos = Int32(truncatingIfNeeded: lastVarint(fields, 2) ?? 0)
            if type == .timestamp {
                guard let text = TimeText.formatTimestamp(seconds: seconds, nanos: nanos) else {
                    throw invalid(path, "timestamp seconds=\(seconds) nanos=\(nanos) is out of range")
                }
                return .string(text)
            }
            guard let text = TimeText.formatDuration(seconds: seconds, nanos: nanos) else {
                throw invalid(path, "duration seconds=\(seconds) nanos=\(nanos) is out of range")
            }
            return .string(text)
        case .fieldMask:
            var paths: [String] = []
            for field in fields where field.number == 1 {
                guard case .lengthDelimited(let r) = field.value else { continue }
                guard let p = String(validating: bytes[r], as: UTF8.self) else { throw malformed(path, .invalidUTF8) }
                paths.append(
                    p.split(separator: ".", omittingEmptySubsequences: false)
                        .map { FieldDescriptor.defaultJSONName(String($0)) }.joined(separator: "."))
            }
            return .string(paths.joined(separator: ","))
        case .empty:
            return .object(JSONObject())
        case .structType:
            return try decodeStruct(fields, path: path, depth: depth)
        case .listValue:
            var elements: [JSONValue] = []
            for field in fields where field.number == 1 {
                guard case .lengthDelimited(let r) = field.value else { continue }
                elements.append(
                    try decodeMessage(
                        r, typeName: WellKnownType.value.rawValue, path: JSONPath.index(path, elements.count),
                        depth: depth + 1))
            }
            return .array(elements)
        case .value:
            return try decodeValue(fields, path: path, depth: depth)
        case .any:
            return try decodeAny(fields, path: path, depth: depth)
        default:
            return .null
        }
    }

    /// Every field of a message, in wire order.
    private func rawFields(
        _ range: Range<Int>, path: String
    ) throws(ProtoJSONError) -> [(number: Int, value: RawWireValue)] {
        var reader = WireReader(bytes, range: range)
        var fields: [(number: Int, value: RawWireValue)] = []
        do {
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readKey()
                fields.append((number, try RawWireValue.read(wireType, from: &reader)))
            }
        } catch {
            throw malformed(path, error)
        }
        return fields
    }

    private func lastVarint(_ fields: [(number: Int, value: RawWireValue)], _ number: Int) -> UInt64? {
        for field in fields.reversed() where field.number == number {
            if case .varint(let v) = field.value { return v }
        }
        return nil
    }

    private func lastBytes(_ fields: [(number: Int, value: RawWireValue)], _ number: Int) -> Range<Int>? {
        for field in fields.reversed() where field.number == number {
            if case .lengthDelimited(let r) = field.value { return r }
        }
        return nil
    }

    private func decodeStruct(
        _ fields: [(number: Int, value: RawWireValue)], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        var object = JSONObject()
        for field in fields where field.number == 1 {
            guard case .lengthDelimited(let r) = field.value else { continue }
            let entry = try rawFields(r, path: path)
            let key: String
            if let keyRange = lastBytes(entry, 1) {
                guard let text = String(validating: bytes[keyRange], as: UTF8.self) else {
                    throw malformed(path, .invalidUTF8)
                }
                key = text
            } else {
                key = ""
            }
            let valuePath = JSONPath.key(path, key)
            let value = try decodeMessage(
                lastBytes(entry, 2) ?? 0..<0, typeName: WellKnownType.value.rawValue, path: valuePath, depth: depth + 1)
            object[key] = value
        }
        return .object(object)
    }

    /// google.protobuf.Value: the last member of its `kind` oneof; a Value with no kind set reads as null.
    private func decodeValue(
        _ fields: [(number: Int, value: RawWireValue)], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        guard let kind = fields.last(where: { (1...6).contains($0.number) }) else { return .null }
        switch (kind.number, kind.value) {
        case (1, .varint): return .null
        case (2, .fixed64(let bits)):
            let value = Double(bitPattern: bits)
            guard value.isFinite else {
                throw invalid(path, "google.protobuf.Value cannot hold \(value) in JSON")
            }
            return .number(JSONValue.literal(value))
        case (3, .lengthDelimited(let r)):
            guard let text = String(validating: bytes[r], as: UTF8.self) else { throw malformed(path, .invalidUTF8) }
            return .string(text)
        case (4, .varint(let v)): return .bool(v != 0)
        case (5, .lengthDelimited):
            let occurrences = fields.filter { $0.number == 5 }.map(\.value)
            return try decodeMergedMessage(
                occurrences, typeName: WellKnownType.structType.rawValue, path: path, depth: depth + 1)
        case (6, .lengthDelimited):
            let occurrences = fields.filter { $0.number == 6 }.map(\.value)
            return try decodeMergedMessage(
                occurrences, typeName: WellKnownType.listValue.rawValue, path: path, depth: depth + 1)
        default:
            throw malformed(path, .unknownWireType(kind.value.wireType.rawValue))
        }
    }

    /// google.protobuf.Any: the packed message with "@type" first; the type must be in the pool.
    private func decodeAny(
        _ fields: [(number: Int, value: RawWireValue)], path: String, depth: Int
    ) throws(ProtoJSONError) -> JSONValue {
        let typeURLRange = lastBytes(fields, 1)
        let valueRanges = fields.filter { $0.number == 2 }.map(\.value)
        guard let typeURLRange, !typeURLRange.isEmpty else {
            if valueRanges.isEmpty { return .object(JSONObject()) }
            throw invalid(path, "google.protobuf.Any has a value but no type URL")
        }
        guard let typeURL = String(validating: bytes[typeURLRange], as: UTF8.self) else {
            throw malformed(path, .invalidUTF8)
        }
        let typeName = typeURL.split(separator: "/").last.map(String.init) ?? typeURL
        var object = JSONObject()
        object.append("@type", .string(typeURL))
        if WellKnownType(rawValue: typeName) != nil {
            let value = try decodeMergedMessage(
                valueRanges, typeName: typeName, path: JSONPath.member(path, "value"), depth: depth + 1)
            object.append("value", value)
            return .object(object)
        }
        guard let message = pool.message(typeName) else {
            throw ProtoJSONError(path: JSONPath.member(path, "@type"), reason: .unknownType(typeName))
        }
        guard depth + 1 < options.maxDepth else {
            throw ProtoJSONError(path: path, reason: .depthLimitExceeded(options.maxDepth))
        }
        var merged: [UInt8] = []
        for case .lengthDelimited(let r) in valueRanges { merged.append(contentsOf: bytes[r]) }
        let inner = try with(bytes: merged).decodeFields(
            0..<merged.count, message: message, path: path, depth: depth + 1)
        object.members.append(contentsOf: inner.members)
        return .object(object)
    }
}
