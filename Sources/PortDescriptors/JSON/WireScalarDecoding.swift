/// Wire → JSON conversion of single scalar values.
extension WireToJSONDecoder {
    /// The JSON of one scalar or enum value read with the type's wire type.
    func decodeScalar(
        _ raw: RawWireValue, type: FieldType, enumTypeName: String, path: String
    ) throws(ProtoJSONError) -> DecodedValue {
        switch (type, raw) {
        case (.int32, .varint(let v)): return number(Int64(Int32(truncatingIfNeeded: v)))
        case (.sint32, .varint(let v)): return number(Int64(WireOutput.unZigZag32(UInt32(truncatingIfNeeded: v))))
        case (.uint32, .varint(let v)): return number(Int64(UInt32(truncatingIfNeeded: v)))
        case (.int64, .varint(let v)): return quoted(String(Int64(bitPattern: v)), v == 0)
        case (.sint64, .varint(let v)): return quoted(String(WireOutput.unZigZag64(v)), v == 0)
        case (.uint64, .varint(let v)): return quoted(String(v), v == 0)
        case (.fixed32, .fixed32(let v)): return number(Int64(v))
        case (.sfixed32, .fixed32(let v)): return number(Int64(Int32(bitPattern: v)))
        case (.fixed64, .fixed64(let v)): return quoted(String(v), v == 0)
        case (.sfixed64, .fixed64(let v)): return quoted(String(Int64(bitPattern: v)), v == 0)
        case (.bool, .varint(let v)): return DecodedValue(json: .bool(v != 0), isDefault: v == 0)
        case (.float, .fixed32(let v)):
            return DecodedValue(
                json: Self.floatJSON(Double(Float(bitPattern: v)), Float(bitPattern: v)), isDefault: v == 0)
        case (.double, .fixed64(let v)):
            return DecodedValue(json: Self.floatJSON(Double(bitPattern: v), nil), isDefault: v == 0)
        case (.string, .lengthDelimited(let r)):
            guard let text = String(validating: bytes[r], as: UTF8.self) else {
                throw malformed(path, .invalidUTF8)
            }
            return DecodedValue(json: .string(text), isDefault: r.isEmpty)
        case (.bytes, .lengthDelimited(let r)):
            return DecodedValue(json: .string(ProtoJSONBase64.encode(Array(bytes[r]))), isDefault: r.isEmpty)
        case (.enum, .varint(let v)):
            let number = Int32(truncatingIfNeeded: v)
            return DecodedValue(json: enumJSON(number, enumTypeName: enumTypeName), isDefault: number == 0)
        default:
            throw malformed(path, .unknownWireType(raw.wireType.rawValue))
        }
    }

    private func number(_ v: Int64) -> DecodedValue { DecodedValue(json: .number(String(v)), isDefault: v == 0) }

    private func quoted(_ text: String, _ isDefault: Bool) -> DecodedValue {
        DecodedValue(json: .string(text), isDefault: isDefault)
    }

    /// A float or double as a JSON number, or "NaN" / "Infinity" / "-Infinity". Floats print in their own shortest
    /// form ("0.1", not "0.10000000149011612").
    static func floatJSON(_ value: Double, _ float: Float?) -> JSONValue {
        if value.isNaN { return .string("NaN") }
        if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
        if let float { return .number(JSONValue.literal(float)) }
        return .number(JSONValue.literal(value))
    }

    /// An enum value as its name, or its number when it has no name (or numbers were asked for).
    func enumJSON(_ number: Int32, enumTypeName: String) -> JSONValue {
        if enumTypeName == WellKnownType.nullValueEnum { return .null }
        if !options.enumsAsIntegers, let value = pool.enumType(enumTypeName)?.value(number: number) {
            return .string(value.name)
        }
        return .number(String(number))
    }
}
