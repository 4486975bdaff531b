/// JSON → wire conversion of single scalar values (numbers, bools, strings, bytes, enums).
extension JSONToWireEncoder {
    func invalid(_ path: String, _ text: String) -> ProtoJSONError {
        ProtoJSONError(path: path, reason: .invalidValue(text))
    }

    /// The wire value of a scalar or enum field value; nil when an unknown enum name is skipped because
    /// ``ProtoJSONCodec/Options/ignoreUnknownFields`` is set.
    func encodeScalar(
        _ json: JSONValue, type: FieldType, enumTypeName: String, path: String
    ) throws(ProtoJSONError) -> WireValue? {
        switch type {
        case .int32, .sint32, .sfixed32:
            let v = Int32(
                try integer(json, path: path, typeName: "int32", min: Int64(Int32.min), max: Int64(Int32.max)))
            switch type {
            case .sint32: return .varint(WireOutput.zigZag32(v))
            case .sfixed32: return .fixed32(UInt32(bitPattern: v))
            default: return .varint(UInt64(bitPattern: Int64(v)))
            }
        case .int64, .sint64, .sfixed64:
            let v = try integer(json, path: path, typeName: "int64", min: Int64.min, max: Int64.max)
            switch type {
            case .sint64: return .varint(WireOutput.zigZag64(v))
            case .sfixed64: return .fixed64(UInt64(bitPattern: v))
            default: return .varint(UInt64(bitPattern: v))
            }
        case .uint32, .fixed32:
            let v = UInt32(try unsignedInteger(json, path: path, typeName: "uint32", max: UInt64(UInt32.max)))
            return type == .fixed32 ? .fixed32(v) : .varint(UInt64(v))
        case .uint64, .fixed64:
            let v = try unsignedInteger(json, path: path, typeName: "uint64", max: UInt64.max)
            return type == .fixed64 ? .fixed64(v) : .varint(v)
        case .double:
            return .fixed64(try floatingPoint(json, path: path, isFloat: false).bitPattern)
        case .float:
            return .fixed32(Float(try floatingPoint(json, path: path, isFloat: true)).bitPattern)
        case .bool:
            guard case .bool(let b) = json else { throw invalid(path, "expected boolean, got \(json.kindName)") }
            return .varint(b ? 1 : 0)
        case .string:
            guard case .string(let s) = json else { throw invalid(path, "expected string, got \(json.kindName)") }
            return .lengthDelimited(Array(s.utf8))
        case .bytes:
            guard case .string(let s) = json else {
                throw invalid(path, "expected base64 string, got \(json.kindName)")
            }
            guard let bytes = ProtoJSONBase64.decode(s) else {
                throw invalid(path, "expected base64 string, got \"\(s)\"")
            }
            return .lengthDelimited(bytes)
        case .enum:
            return try enumValue(json, enumTypeName: enumTypeName, path: path).map {
                .varint(UInt64(bitPattern: Int64($0)))
            }
        case .message, .group:
            throw invalid(path, "internal error: \(type) is not a scalar type")
        }
    }

    /// The number of an enum value given by name or number; nil for an unknown name when unknown names are ignored.
    func enumValue(_ json: JSONValue, enumTypeName: String, path: String) throws(ProtoJSONError) -> Int32? {
        if enumTypeName == WellKnownType.nullValueEnum {
            if json == .null || json == .string("NULL_VALUE") || json == .number("0") { return 0 }
            throw invalid(path, "expected null for google.protobuf.NullValue, got \(json.kindName)")
        }
        switch json {
        case .string(let name):
            guard let enumType = pool.enumType(enumTypeName) else {
                throw ProtoJSONError(path: path, reason: .unknownType(enumTypeName))
            }
            if let value = enumType.value(named: name) { return value.number }
            if options.ignoreUnknownFields { return nil }
            let known = enumType.values.prefix(8).map(\.name).joined(separator: ", ")
            throw invalid(path, "unknown value \"\(name)\" for enum \(enumTypeName) (known: \(known))")
        case .number:
            return Int32(
                try integer(json, path: path, typeName: "enum", min: Int64(Int32.min), max: Int64(Int32.max)))
        default:
            throw invalid(path, "expected enum name or number for \(enumTypeName), got \(json.kindName)")
        }
    }

    private func integerText(_ json: JSONValue, path: String, typeName: String) throws(ProtoJSONError) -> String {
        switch json {
        case .number(let text): return text
        case .string(let text): return text
        default: throw invalid(path, "expected \(typeName) (number or decimal string), got \(json.kindName)")
        }
    }

    private func integerMagnitude(
        _ json: JSONValue, path: String, typeName: String
    ) throws(ProtoJSONError) -> (negative: Bool, magnitude: UInt64) {
        let text = try integerText(json, path: path, typeName: typeName)
        switch NumberText.integer(text) {
        case .value(let negative, let magnitude): return (negative, magnitude)
        case .notANumber: throw invalid(path, "expected \(typeName), got \"\(text)\"")
        case .notWhole: throw invalid(path, "expected \(typeName), got non-integer \(text)")
        case .tooLarge: throw invalid(path, "value \(text) is out of range for \(typeName)")
        }
    }

    func integer(
        _ json: JSONValue, path: String, typeName: String, min: Int64, max: Int64
    ) throws(ProtoJSONError) -> Int64 {
        let (negative, magnitude) = try integerMagnitude(json, path: path, typeName: typeName)
        let outOfRange = invalid(path, "value \(json.plainText) is out of range for \(typeName)")
        if negative {
            guard magnitude <= min.magnitude else { throw outOfRange }
            return magnitude == min.magnitude ? min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(max) else { throw outOfRange }
        return Int64(magnitude)
    }

    func unsignedInteger(
        _ json: JSONValue, path: String, typeName: String, max: UInt64
    ) throws(ProtoJSONError) -> UInt64 {
        let (negative, magnitude) = try integerMagnitude(json, path: path, typeName: typeName)
        guard !negative, magnitude <= max else {
            throw invalid(path, "value \(json.plainText) is out of range for \(typeName)")
        }
        return magnitude
    }

    /// A double or float from a number, a numeric string or "NaN" / "Infinity" / "-Infinity".
    func floatingPoint(_ json: JSONValue, path: String, isFloat: Bool) throws(ProtoJSONError) -> Double {
        let typeName = isFloat ? "float" : "double"
        let text: String
        switch json {
        case .number(let t): text = t
        case .string("NaN"): return .nan
        case .string("Infinity"): return .infinity
        case .string("-Infinity"): return -.infinity
        case .string(let t): text = t
        default:
            throw invalid(
                path, "expected \(typeName) (number, \"NaN\", \"Infinity\" or \"-Infinity\"), got \(json.kindName)")
        }
        guard let value = NumberText.double(text) else { throw invalid(path, "expected \(typeName), got \"\(text)\"") }
        guard value.isFinite, !isFloat || Float(value).isFinite else {
            throw invalid(path, "value \(text) is out of range for \(typeName)")
        }
        return value
    }
}

extension JSONValue {
    /// The text of a number or string, for error messages.
    var plainText: String {
        switch self {
        case .number(let t), .string(let t): t
        default: compactText
        }
    }
}
