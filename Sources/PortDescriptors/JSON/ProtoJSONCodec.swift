/// Converts protobuf messages between the binary wire format and the proto3 JSON mapping
/// (https://protobuf.dev/programming-guides/json/), driven by descriptors instead of generated code: what the
/// command-line client uses to send JSON to any method it learns about by reflection.
///
/// Output uses lowerCamelCase JSON names, 64-bit integers as strings, bytes as base64, enums by name and omits
/// fields at their defaults. Input accepts JSON and proto field names, numbers or strings for all numeric types,
/// standard or URL-safe base64, enum names or numbers. The well-known types (Any, Timestamp, Duration, FieldMask,
/// Struct, Value, ListValue, Empty and the wrappers) have their special JSON forms whether or not their files are in
/// the pool; an `Any` needs the type it packs to be in the pool.
public struct ProtoJSONCodec: Sendable {
    /// Settings of the conversion.
    public struct Options: Sendable, Hashable {
        /// Output fields at their default values too (scalars, empty repeated fields and maps; not unset messages,
        /// oneof members or proto3 `optional` fields).
        public var emitDefaultValues: Bool
        /// Output the .proto field names (`page_size`) instead of the JSON names (`pageSize`).
        public var useProtoFieldNames: Bool
        /// Output enum values as numbers instead of names.
        public var enumsAsIntegers: Bool
        /// On input, skip JSON members that name no field (and enum names that are not known) instead of failing.
        public var ignoreUnknownFields: Bool
        /// The maximum nesting of messages.
        public var maxDepth: Int

        public init(
            emitDefaultValues: Bool = false, useProtoFieldNames: Bool = false, enumsAsIntegers: Bool = false,
            ignoreUnknownFields: Bool = false, maxDepth: Int = 100
        ) {
            self.emitDefaultValues = emitDefaultValues
            self.useProtoFieldNames = useProtoFieldNames
            self.enumsAsIntegers = enumsAsIntegers
            self.ignoreUnknownFields = ignoreUnknownFields
            self.maxDepth = maxDepth
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// The protobuf wire bytes of a JSON value of message type `messageType` (fully qualified, e.g.
    /// "grpc.testing.SimpleRequest"; a leading dot is allowed).
    public func encode(_ json: JSONValue, messageType: String, pool: DescriptorPool) throws(ProtoJSONError) -> [UInt8] {
        let encoder = JSONToWireEncoder(pool: pool, options: options)
        return try encoder.encodeMessage(json, typeName: Self.normalize(messageType), path: "", depth: 0)
    }

    /// The JSON value of protobuf wire bytes of message type `messageType`.
    public func decode(_ bytes: [UInt8], messageType: String, pool: DescriptorPool) throws(ProtoJSONError) -> JSONValue
    {
        let decoder = WireToJSONDecoder(pool: pool, options: options, bytes: bytes)
        return try decoder.decodeMessage(0..<bytes.count, typeName: Self.normalize(messageType), path: "", depth: 0)
    }

    /// Parses JSON text and encodes it.
    public func encode(jsonText: String, messageType: String, pool: DescriptorPool) throws(ProtoJSONError) -> [UInt8] {
        let json: JSONValue
        do {
            json = try JSONParser(maxDepth: options.maxDepth * 2 + 2).parse(jsonText)
        } catch {
            throw ProtoJSONError(path: "", reason: .invalidValue(error.description))
        }
        return try encode(json, messageType: messageType, pool: pool)
    }

    private static func normalize(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }
}

/// Path helpers shared by the encoder and decoder.
enum JSONPath {
    static func member(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }
    static func index(_ path: String, _ index: Int) -> String { path + "[\(index)]" }
    static func key(_ path: String, _ key: String) -> String {
        var quoted: [UInt8] = []
        JSONSerializer.writeString(key, to: &quoted)
        return path + "[" + String(decoding: quoted, as: UTF8.self) + "]"
    }
}

/// Schema rules the codec applies: presence, packing, map entries and wire types. A namespace rather than
/// extensions on the descriptor types, so the names cannot collide with other additions to them.
enum ProtoJSONRules {
    /// Whether singular fields of the message track presence for every type: proto2 and editions files do; proto3
    /// files only for messages, oneof members and `optional` fields.
    static func hasExplicitPresence(_ message: MessageDescriptor, in pool: DescriptorPool) -> Bool {
        guard let syntax = pool.fileContaining(symbol: message.fullName)?.syntax else { return false }
        return syntax != "proto3"
    }

    /// Whether a repeated field of a message is written packed.
    static func isPacked(_ field: FieldDescriptor, in message: MessageDescriptor, pool: DescriptorPool) -> Bool {
        guard field.isRepeated, isPackable(field.type) else { return false }
        if let packed = field.packedOption { return packed }
        return (pool.fileContaining(symbol: message.fullName)?.syntax ?? "proto3") != "proto2"
    }

    /// The entry type of a map field, or nil when the field is not a map.
    static func mapEntry(of field: FieldDescriptor, in pool: DescriptorPool) -> MessageDescriptor? {
        guard field.isRepeated, field.type == .message, let entry = pool.message(field.typeName), entry.isMapEntry
        else { return nil }
        return entry
    }

    /// Whether the field is serialized (and output) when at its default value.
    static func tracksPresence(_ field: FieldDescriptor, explicitPresenceSyntax: Bool) -> Bool {
        if field.isRepeated { return false }
        return field.type == .message || field.type == .group || field.oneofIndex != nil || field.isProto3Optional
            || explicitPresenceSyntax
    }

    /// The wire type of one unpacked value of a type.
    static func wireType(of type: FieldType) -> WireType {
        switch type {
        case .int32, .int64, .uint32, .uint64, .sint32, .sint64, .bool, .enum: .varint
        case .fixed64, .sfixed64, .double: .fixed64
        case .fixed32, .sfixed32, .float: .fixed32
        case .string, .bytes, .message: .lengthDelimited
        case .group: .startGroup
        }
    }

    /// Whether repeated fields of a type may be packed.
    static func isPackable(_ type: FieldType) -> Bool {
        switch type {
        case .string, .bytes, .message, .group: false
        default: true
        }
    }
}
