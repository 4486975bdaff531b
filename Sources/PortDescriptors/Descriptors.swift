/// The scalar and composite types a protobuf field can have (google.protobuf.FieldDescriptorProto.Type).
public enum FieldType: Int, Sendable, Hashable {
    case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes, uint32
    case `enum`, sfixed32, sfixed64, sint32, sint64
}

/// How often a field may occur (google.protobuf.FieldDescriptorProto.Label).
public enum FieldLabel: Int, Sendable, Hashable {
    case optional = 1, required, repeated
}

/// One field of a message.
public struct FieldDescriptor: Sendable, Hashable {
    public var name: String
    public var number: Int
    public var label: FieldLabel
    public var type: FieldType
    /// For message and enum fields: the fully qualified type name without the leading dot.
    public var typeName: String
    /// The index into the containing message's ``MessageDescriptor/oneofs``, for oneof members.
    public var oneofIndex: Int?
    /// The proto3 JSON name (lowerCamelCase unless overridden in the .proto).
    public var jsonName: String
    /// Whether the field was declared with proto3 `optional` (not supported by protoc-c 1.4.1).
    public var isProto3Optional: Bool
    /// Whether the field carries `[packed = …]` explicitly; nil when the syntax default applies.
    public var packedOption: Bool?

    public init(
        name: String, number: Int, label: FieldLabel, type: FieldType, typeName: String = "",
        oneofIndex: Int? = nil, jsonName: String? = nil, isProto3Optional: Bool = false, packedOption: Bool? = nil
    ) {
        self.name = name
        self.number = number
        self.label = label
        self.type = type
        self.typeName = typeName
        self.oneofIndex = oneofIndex
        self.jsonName = jsonName ?? FieldDescriptor.defaultJSONName(name)
        self.isProto3Optional = isProto3Optional
        self.packedOption = packedOption
    }

    /// Whether the field is repeated (maps are repeated entry messages).
    public var isRepeated: Bool { label == .repeated }

    /// protoc's default JSON name: underscores removed, the following letter upper-cased.
    public static func defaultJSONName(_ name: String) -> String {
        var result = ""
        var upperNext = false
        for ch in name {
            if ch == "_" {
                upperNext = true
            } else if upperNext {
                result += ch.uppercased()
                upperNext = false
            } else {
                result.append(ch)
            }
        }
        return result
    }
}

/// A message type, with its nested types.
public struct MessageDescriptor: Sendable, Hashable {
    /// The short name, e.g. "SimpleRequest".
    public var name: String
    /// The fully qualified name, e.g. "grpc.testing.SimpleRequest".
    public var fullName: String
    public var fields: [FieldDescriptor]
    /// Names of the oneofs declared in the message, in declaration order.
    public var oneofs: [String]
    public var nestedMessages: [MessageDescriptor]
    public var nestedEnums: [EnumDescriptor]
    /// Whether this is the synthesized entry type of a `map<K, V>` field.
    public var isMapEntry: Bool

    public init(
        name: String, fullName: String, fields: [FieldDescriptor] = [], oneofs: [String] = [],
        nestedMessages: [MessageDescriptor] = [], nestedEnums: [EnumDescriptor] = [], isMapEntry: Bool = false
    ) {
        self.name = name
        self.fullName = fullName
        self.fields = fields
        self.oneofs = oneofs
        self.nestedMessages = nestedMessages
        self.nestedEnums = nestedEnums
        self.isMapEntry = isMapEntry
    }

    /// The field with the given number.
    public func field(number: Int) -> FieldDescriptor? { fields.first { $0.number == number } }

    /// The field with the given proto name or JSON name.
    public func field(named name: String) -> FieldDescriptor? {
        fields.first { $0.name == name } ?? fields.first { $0.jsonName == name }
    }
}

/// One value of an enum.
public struct EnumValueDescriptor: Sendable, Hashable {
    public var name: String
    public var number: Int32

    public init(name: String, number: Int32) {
        self.name = name
        self.number = number
    }
}

/// An enum type.
public struct EnumDescriptor: Sendable, Hashable {
    public var name: String
    public var fullName: String
    public var values: [EnumValueDescriptor]

    public init(name: String, fullName: String, values: [EnumValueDescriptor]) {
        self.name = name
        self.fullName = fullName
        self.values = values
    }

    /// The first value with this number (aliases share numbers).
    public func value(number: Int32) -> EnumValueDescriptor? { values.first { $0.number == number } }

    /// The value with this name.
    public func value(named name: String) -> EnumValueDescriptor? { values.first { $0.name == name } }
}

/// One RPC of a service.
public struct MethodDescriptor: Sendable, Hashable {
    public var name: String
    /// Fully qualified request message name.
    public var inputType: String
    /// Fully qualified response message name.
    public var outputType: String
    public var clientStreaming: Bool
    public var serverStreaming: Bool

    public init(name: String, inputType: String, outputType: String, clientStreaming: Bool, serverStreaming: Bool) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
    }
}

/// A service and its methods.
public struct ServiceDescriptor: Sendable, Hashable {
    public var name: String
    /// e.g. "grpc.health.v1.Health".
    public var fullName: String
    public var methods: [MethodDescriptor]

    public init(name: String, fullName: String, methods: [MethodDescriptor]) {
        self.name = name
        self.fullName = fullName
        self.methods = methods
    }

    /// The method with this name.
    public func method(named name: String) -> MethodDescriptor? { methods.first { $0.name == name } }
}

/// One .proto file, with the serialized FileDescriptorProto it was parsed from.
public struct FileDescriptor: Sendable, Hashable {
    /// The path as imported, e.g. "grpc/testing/messages.proto".
    public var name: String
    public var package: String
    public var dependencies: [String]
    public var messages: [MessageDescriptor]
    public var enums: [EnumDescriptor]
    public var services: [ServiceDescriptor]
    public var syntax: String
    /// The serialized google.protobuf.FileDescriptorProto (what server reflection sends).
    public var serialized: [UInt8]

    public init(
        name: String, package: String, dependencies: [String] = [], messages: [MessageDescriptor] = [],
        enums: [EnumDescriptor] = [], services: [ServiceDescriptor] = [], syntax: String = "proto3",
        serialized: [UInt8] = []
    ) {
        self.name = name
        self.package = package
        self.dependencies = dependencies
        self.messages = messages
        self.enums = enums
        self.services = services
        self.syntax = syntax
        self.serialized = serialized
    }
}
