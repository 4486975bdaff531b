import PortDescriptors
import Testing

/// A descriptor pool built with the model initialisers, covering every field type, repeated fields, maps, oneofs,
/// proto3 `optional`, a custom json_name and the well-known types. ``protoSource`` is the same schema as .proto text
/// for the protoc-based tests.
enum JSONFixture {
    static let package = "test.v1"

    static func f(
        _ name: String, _ number: Int, _ type: FieldType, _ typeName: String = "", repeated: Bool = false,
        oneof: Int? = nil, jsonName: String? = nil, optional: Bool = false, packed: Bool? = nil
    ) -> FieldDescriptor {
        FieldDescriptor(
            name: name, number: number, label: repeated ? .repeated : .optional, type: type, typeName: typeName,
            oneofIndex: oneof, jsonName: jsonName, isProto3Optional: optional, packedOption: packed)
    }

    static func mapEntry(
        _ parent: String, _ name: String, key: FieldType, value: FieldType, valueTypeName: String = ""
    ) -> MessageDescriptor {
        MessageDescriptor(
            name: name, fullName: "\(parent).\(name)",
            fields: [f("key", 1, key), f("value", 2, value, valueTypeName)], isMapEntry: true)
    }

    static let color = EnumDescriptor(
        name: "Color", fullName: "test.v1.Color",
        values: [
            EnumValueDescriptor(name: "COLOR_UNSPECIFIED", number: 0), EnumValueDescriptor(name: "RED", number: 1),
            EnumValueDescriptor(name: "GREEN", number: 2),
        ])

    static let scalars = MessageDescriptor(
        name: "Scalars", fullName: "test.v1.Scalars",
        fields: [
            f("f_double", 1, .double), f("f_float", 2, .float), f("f_int64", 3, .int64), f("f_uint64", 4, .uint64),
            f("f_int32", 5, .int32), f("f_fixed64", 6, .fixed64), f("f_fixed32", 7, .fixed32), f("f_bool", 8, .bool),
            f("f_string", 9, .string), f("f_bytes", 10, .bytes), f("f_uint32", 11, .uint32),
            f("f_enum", 12, .enum, "test.v1.Color"), f("f_sfixed32", 13, .sfixed32), f("f_sfixed64", 14, .sfixed64),
            f("f_sint32", 15, .sint32), f("f_sint64", 16, .sint64),
        ])

    static let repeats = MessageDescriptor(
        name: "Repeats", fullName: "test.v1.Repeats",
        fields: [
            f("ints", 1, .int32, repeated: true), f("strings", 2, .string, repeated: true),
            f("colors", 3, .enum, "test.v1.Color", repeated: true),
            f("messages", 4, .message, "test.v1.Scalars", repeated: true), f("doubles", 5, .double, repeated: true),
            f("unpacked_sints", 6, .sint64, repeated: true, packed: false),
            f("bools", 7, .bool, repeated: true), f("blobs", 8, .bytes, repeated: true),
        ])

    static let maps = MessageDescriptor(
        name: "Maps", fullName: "test.v1.Maps",
        fields: [
            f("by_name", 1, .message, "test.v1.Maps.ByNameEntry", repeated: true),
            f("by_id", 2, .message, "test.v1.Maps.ByIdEntry", repeated: true),
            f("by_flag", 3, .message, "test.v1.Maps.ByFlagEntry", repeated: true),
            f("colors", 4, .message, "test.v1.Maps.ColorsEntry", repeated: true),
            f("blobs", 5, .message, "test.v1.Maps.BlobsEntry", repeated: true),
        ],
        nestedMessages: [
            mapEntry("test.v1.Maps", "ByNameEntry", key: .string, value: .int32),
            mapEntry("test.v1.Maps", "ByIdEntry", key: .int64, value: .string),
            mapEntry("test.v1.Maps", "ByFlagEntry", key: .bool, value: .message, valueTypeName: "test.v1.Scalars"),
            mapEntry("test.v1.Maps", "ColorsEntry", key: .uint32, value: .enum, valueTypeName: "test.v1.Color"),
            mapEntry("test.v1.Maps", "BlobsEntry", key: .sint32, value: .bytes),
        ])

    static let oneofs = MessageDescriptor(
        name: "Oneofs", fullName: "test.v1.Oneofs",
        fields: [
            f("text", 1, .string, oneof: 0), f("number", 2, .int32, oneof: 0),
            f("nested", 3, .message, "test.v1.Scalars", oneof: 0), f("maybe", 4, .int32, oneof: 1, optional: true),
            f("plain", 5, .int32),
        ],
        oneofs: ["choice", "_maybe"])

    static let nested = MessageDescriptor(
        name: "Nested", fullName: "test.v1.Nested",
        fields: [
            f("payload", 1, .message, "test.v1.Scalars"), f("child", 2, .message, "test.v1.Nested"),
            f("json_named", 3, .string, jsonName: "custom"), f("inner", 4, .message, "test.v1.Nested.Inner"),
        ],
        nestedMessages: [
            MessageDescriptor(
                name: "Inner", fullName: "test.v1.Nested.Inner",
                fields: [f("level", 1, .enum, "test.v1.Nested.Level")])
        ],
        nestedEnums: [
            EnumDescriptor(
                name: "Level", fullName: "test.v1.Nested.Level",
                values: [EnumValueDescriptor(name: "LOW", number: 0), EnumValueDescriptor(name: "HIGH", number: 5)])
        ])

    static let wellKnown = MessageDescriptor(
        name: "WellKnown", fullName: "test.v1.WellKnown",
        fields: [
            f("ts", 1, .message, "google.protobuf.Timestamp"), f("dur", 2, .message, "google.protobuf.Duration"),
            f("mask", 3, .message, "google.protobuf.FieldMask"), f("st", 4, .message, "google.protobuf.Struct"),
            f("val", 5, .message, "google.protobuf.Value"), f("list", 6, .message, "google.protobuf.ListValue"),
            f("empty", 7, .message, "google.protobuf.Empty"), f("any", 8, .message, "google.protobuf.Any"),
            f("i32", 9, .message, "google.protobuf.Int32Value"), f("i64", 10, .message, "google.protobuf.Int64Value"),
            f("u32", 11, .message, "google.protobuf.UInt32Value"),
            f("u64", 12, .message, "google.protobuf.UInt64Value"),
            f("flt", 13, .message, "google.protobuf.FloatValue"),
            f("dbl", 14, .message, "google.protobuf.DoubleValue"),
            f("bln", 15, .message, "google.protobuf.BoolValue"),
            f("str", 16, .message, "google.protobuf.StringValue"),
            f("byt", 17, .message, "google.protobuf.BytesValue"),
            f("anys", 18, .message, "google.protobuf.Any", repeated: true),
            f("nul", 19, .enum, "google.protobuf.NullValue"),
            f("vals", 20, .message, "google.protobuf.Value", repeated: true),
        ])

    static let file = FileDescriptor(
        name: "test/v1/all.proto", package: package,
        dependencies: [
            "google/protobuf/any.proto", "google/protobuf/duration.proto", "google/protobuf/empty.proto",
            "google/protobuf/field_mask.proto", "google/protobuf/struct.proto", "google/protobuf/timestamp.proto",
            "google/protobuf/wrappers.proto",
        ],
        messages: [scalars, repeats, maps, oneofs, nested, wellKnown], enums: [color])

    /// A proto2 file, for explicit presence and unpacked repeated defaults.
    static let legacy = FileDescriptor(
        name: "test/v1/legacy.proto", package: package,
        messages: [
            MessageDescriptor(
                name: "Legacy", fullName: "test.v1.Legacy",
                fields: [f("count", 1, .int32), f("values", 2, .int32, repeated: true)])
        ],
        syntax: "proto2")

    static let pool: DescriptorPool = {
        var pool = DescriptorPool()
        pool.add(file)
        pool.add(legacy)
        return pool
    }()

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }

    static func bytes(_ hex: String) -> [UInt8] {
        hex.split(separator: " ").map { UInt8($0, radix: 16)! }
    }

    /// The schema above as .proto source (the proto2 part excluded).
    static let protoSource = """
        syntax = "proto3";
        package test.v1;
        import "google/protobuf/any.proto";
        import "google/protobuf/duration.proto";
        import "google/protobuf/empty.proto";
        import "google/protobuf/field_mask.proto";
        import "google/protobuf/struct.proto";
        import "google/protobuf/timestamp.proto";
        import "google/protobuf/wrappers.proto";
        enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
        message Scalars {
          double f_double = 1; float f_float = 2; int64 f_int64 = 3; uint64 f_uint64 = 4; int32 f_int32 = 5;
          fixed64 f_fixed64 = 6; fixed32 f_fixed32 = 7; bool f_bool = 8; string f_string = 9; bytes f_bytes = 10;
          uint32 f_uint32 = 11; Color f_enum = 12; sfixed32 f_sfixed32 = 13; sfixed64 f_sfixed64 = 14;
          sint32 f_sint32 = 15; sint64 f_sint64 = 16;
        }
        message Repeats {
          repeated int32 ints = 1; repeated string strings = 2; repeated Color colors = 3;
          repeated Scalars messages = 4; repeated double doubles = 5;
          repeated sint64 unpacked_sints = 6 [packed = false]; repeated bool bools = 7; repeated bytes blobs = 8;
        }
        message Maps {
          map<string, int32> by_name = 1; map<int64, string> by_id = 2; map<bool, Scalars> by_flag = 3;
          map<uint32, Color> colors = 4; map<sint32, bytes> blobs = 5;
        }
        message Oneofs {
          oneof choice { string text = 1; int32 number = 2; Scalars nested = 3; }
          optional int32 maybe = 4;
          int32 plain = 5;
        }
        message Nested {
          message Inner { Level level = 1; }
          enum Level { LOW = 0; HIGH = 5; }
          Scalars payload = 1; Nested child = 2; string json_named = 3 [json_name = "custom"]; Inner inner = 4;
        }
        message WellKnown {
          google.protobuf.Timestamp ts = 1; google.protobuf.Duration dur = 2; google.protobuf.FieldMask mask = 3;
          google.protobuf.Struct st = 4; google.protobuf.Value val = 5; google.protobuf.ListValue list = 6;
          google.protobuf.Empty empty = 7; google.protobuf.Any any = 8;
          google.protobuf.Int32Value i32 = 9; google.protobuf.Int64Value i64 = 10;
          google.protobuf.UInt32Value u32 = 11; google.protobuf.UInt64Value u64 = 12;
          google.protobuf.FloatValue flt = 13; google.protobuf.DoubleValue dbl = 14;
          google.protobuf.BoolValue bln = 15; google.protobuf.StringValue str = 16;
          google.protobuf.BytesValue byt = 17; repeated google.protobuf.Any anys = 18;
          google.protobuf.NullValue nul = 19; repeated google.protobuf.Value vals = 20;
        }
        """
}

/// Helpers shared by the codec tests.
enum JSONTestSupport {
    static let codec = ProtoJSONCodec()

    static func encode(_ json: String, _ type: String, pool: DescriptorPool = JSONFixture.pool) throws -> [UInt8] {
        try codec.encode(JSONValue(parsing: json), messageType: type, pool: pool)
    }

    static func decode(
        _ bytes: [UInt8], _ type: String, pool: DescriptorPool = JSONFixture.pool, codec: ProtoJSONCodec = codec
    ) throws -> String {
        try codec.decode(bytes, messageType: type, pool: pool).compactText
    }

    /// Encodes then decodes JSON text, returning compact JSON.
    static func roundTrip(_ json: String, _ type: String, pool: DescriptorPool = JSONFixture.pool) throws -> String {
        try decode(try encode(json, type, pool: pool), type, pool: pool)
    }

    /// The description of the error encoding throws.
    static func encodeError(_ json: String, _ type: String, codec: ProtoJSONCodec = codec) -> String? {
        do {
            _ = try codec.encode(JSONValue(parsing: json), messageType: type, pool: JSONFixture.pool)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

@Suite struct JSONFixtureTests {
    @Test func poolResolvesAllFixtureTypes() {
        for name in ["Scalars", "Repeats", "Maps", "Maps.ByNameEntry", "Oneofs", "Nested", "Nested.Inner", "WellKnown"]
        {
            #expect(JSONFixture.pool.message("test.v1." + name) != nil, "\(name)")
        }
        #expect(JSONFixture.pool.enumType("test.v1.Nested.Level") != nil)
    }

    @Test func hexHelpersRoundTrip() {
        #expect(JSONFixture.hex(JSONFixture.bytes("08 96 01")) == "08 96 01")
    }
}
