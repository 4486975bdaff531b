/// JSON → wire conversion of the well-known types.
extension JSONToWireEncoder {
    func encodeWellKnown(
        _ type: WellKnownType, _ json: JSONValue, path: String, depth: Int
    ) throws(ProtoJSONError) -> [UInt8] {
        var out = WireOutput()
        if let wrapped = type.wrappedType {
            if let value = try encodeScalar(json, type: wrapped, enumTypeName: "", path: path), !value.isDefault {
                value.write(fieldNumber: 1, to: &out)
            }
            return out.bytes
        }
        switch type {
        case .timestamp:
            guard case .string(let text) = json else {
                throw invalid(path, "expected RFC 3339 timestamp string, got \(json.kindName)")
            }
            guard let (seconds, nanos) = TimeText.parseTimestamp(text) else {
                throw invalid(path, "expected RFC 3339 timestamp like \"2024-05-01T12:00:00Z\", got \"\(text)\"")
            }
            writeSecondsNanos(seconds, nanos, to: &out)
        case .duration:
            guard case .string(let text) = json else {
                throw invalid(path, "expected duration string like \"1.5s\", got \(json.kindName)")
            }
            guard let (seconds, nanos) = TimeText.parseDuration(text) else {
                throw invalid(path, "expected duration string like \"1.5s\", got \"\(text)\"")
            }
            writeSecondsNanos(seconds, nanos, to: &out)
        case .fieldMask:
            guard case .string(let text) = json else {
                throw invalid(path, "expected field mask string like \"a.b,c\", got \(json.kindName)")
            }
            for p in text.split(separator: ",", omittingEmptySubsequences: true) {
                let snake = p.split(separator: ".", omittingEmptySubsequences: false)
                    .map { WellKnownType.snakeCase(String($0)) }.joined(separator: ".")
                out.writeField(1, bytes: Array(snake.utf8))
            }
        case .empty:
            guard case .object(let object) = json else { throw invalid(path, "expected {}, got \(json.kindName)") }
            if let first = object.first, !options.ignoreUnknownFields {
                throw ProtoJSONError(
                    path: path, reason: .unknownField(name: first.key, messageType: WellKnownType.empty.rawValue))
            }
        case .structType:
            guard case .object(let object) = json else { throw invalid(path, "expected object, got \(json.kindName)") }
            try writeStructFields(object, path: path, depth: depth, to: &out)
        case .listValue:
            guard case .array(let elements) = json else { throw invalid(path, "expected array, got \(json.kindName)") }
            for (i, element) in elements.enumerated() {
                out.writeField(
                    1, bytes: try encodeValueMessage(element, path: JSONPath.index(path, i), depth: depth + 1))
            }
        case .value:
            return try encodeValueMessage(json, path: path, depth: depth)
        case .any:
            return try encodeAny(json, path: path, depth: depth)
        default:
            break
        }
        return out.bytes
    }

    private func writeSecondsNanos(_ seconds: Int64, _ nanos: Int32, to out: inout WireOutput) {
        if seconds != 0 { out.writeField(1, varint: UInt64(bitPattern: seconds)) }
        if nanos != 0 { out.writeField(2, varint: UInt64(bitPattern: Int64(nanos))) }
    }

    private func writeStructFields(
        _ object: JSONObject, path: String, depth: Int, to out: inout WireOutput
    ) throws(ProtoJSONError) {
        for member in object {
            var entry = WireOutput()
            entry.writeField(1, bytes: Array(member.key.utf8))
            entry.writeField(
                2, bytes: try encodeValueMessage(member.value, path: JSONPath.key(path, member.key), depth: depth + 1))
            out.writeField(1, bytes: entry.bytes)
        }
    }

    /// google.protobuf.Value: any JSON value.
    private func encodeValueMessage(_ json: JSONValue, path: String, depth: Int) throws(ProtoJSONError) -> [UInt8] {
        guard depth < options.maxDepth else {
            throw ProtoJSONError(path: path, reason: .depthLimitExceeded(options.maxDepth))
        }
        var out = WireOutput()
        switch json {
        case .null: out.writeField(1, varint: 0)
        case .number(let text):
            guard let value = NumberText.double(text), value.isFinite else {
                throw invalid(path, "number \(text) is out of range for google.protobuf.Value")
            }
            out.writeKey(2, .fixed64)
            out.writeFixed64(value.bitPattern)
        case .string(let s): out.writeField(3, bytes: Array(s.utf8))
        case .bool(let b): out.writeField(4, varint: b ? 1 : 0)
        case .object(let object):
            var inner = WireOutput()
            try writeStructFields(object, path: path, depth: depth + 1, to: &inner)
            out.writeField(5, bytes: inner.bytes)
        case .array:
            out.writeField(6, bytes: try encodeWellKnown(.listValue, json, path: path, depth: depth + 1))
        }
        return out.bytes
    }

    /// google.protobuf.Any: `{"@type": "type.googleapis.com/pkg.Type", ...fields}`, or `"value": …` for a
    /// well-known type.
    private func encodeAny(_ json: JSONValue, path: String, depth: Int) throws(ProtoJSONError) -> [UInt8] {
        guard case .object(let object) = json else {
            throw invalid(path, "expected object with \"@type\" for google.protobuf.Any, got \(json.kindName)")
        }
        if object.isEmpty { return [] }
        guard let typeURLValue = object["@type"] else {
            throw invalid(path, "google.protobuf.Any is missing its \"@type\" member")
        }
        guard case .string(let typeURL) = typeURLValue, let slash = typeURL.lastIndex(of: "/"),
            typeURL.index(after: slash) != typeURL.endIndex
        else {
            throw invalid(JSONPath.member(path, "@type"), "expected a type URL like \"type.googleapis.com/pkg.Type\"")
        }
        let typeName = String(typeURL[typeURL.index(after: slash)...])
        let payload: [UInt8]
        if WellKnownType(rawValue: typeName) != nil {
            for member in object where member.key != "@type" && member.key != "value" {
                throw ProtoJSONError(path: path, reason: .unknownField(name: member.key, messageType: typeName))
            }
            guard let value = object["value"] else {
                throw invalid(path, "google.protobuf.Any holding \(typeName) needs a \"value\" member")
            }
            payload = try encodeMessage(
                value, typeName: typeName, path: JSONPath.member(path, "value"), depth: depth + 1)
        } else {
            guard let message = pool.message(typeName) else {
                throw ProtoJSONError(path: JSONPath.member(path, "@type"), reason: .unknownType(typeName))
            }
            guard depth + 1 < options.maxDepth else {
                throw ProtoJSONError(path: path, reason: .depthLimitExceeded(options.maxDepth))
            }
            payload = try encodeFields(of: object, message: message, path: path, depth: depth + 1, skipping: ["@type"])
        }
        var out = WireOutput()
        out.writeField(1, bytes: Array(typeURL.utf8))
        if !payload.isEmpty { out.writeField(2, bytes: payload) }
        return out.bytes
    }
}
