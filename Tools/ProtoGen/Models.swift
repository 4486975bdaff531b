/// What the emitters generate from: the descriptors with every Swift and C name resolved.

/// A value of a field, as generated code holds it in Swift and converts it to C.
enum ValueKind {
    /// Int32, Int64, UInt32, UInt64, Float or Double: the same representation in C.
    case number(swiftType: String)
    case bool
    case string
    case bytes
    case enumeration(swiftType: String)
    case message(swiftType: String)

    var swiftType: String {
        switch self {
        case .number(let type), .enumeration(let type), .message(let type): type
        case .bool: "Bool"
        case .string: "String"
        case .bytes: "[UInt8]"
        }
    }
}

/// How a field holds its values.
enum FieldShape {
    /// One value; a message is optional in Swift (a NULL pointer in C).
    case singular(ValueKind)
    case repeated(ValueKind)
    /// `map<K, V>`: protobuf-c's array of entry messages, initialized by `entryInitFunction`.
    case map(key: ValueKind, value: ValueKind, entryInitFunction: String)
}

/// One field of a message, or one member of a oneof.
struct FieldModel {
    var protoName: String
    var number: Int
    /// The property or oneof case name, escaped if needed.
    var swiftName: String
    /// The C struct member, as Swift imports it (escaped if needed).
    var cName: String
    /// The `n_<field>` count member of repeated fields.
    var cCountName: String
    var shape: FieldShape
    var comment: String?
}

/// A oneof: one optional Swift enum property, a `<oneof>_case` member and a union in C.
struct OneofModel {
    var protoName: String
    var swiftPropertyName: String
    var swiftEnumName: String
    var cCaseName: String
    var members: [FieldModel]
    var comment: String?
}

/// A stored property of a message struct, in declaration order.
enum MemberModel {
    case field(FieldModel)
    case oneof(OneofModel)
}

struct MessageModel {
    var fullName: String
    /// The name in its declaration, e.g. `MetadataEntry`.
    var swiftName: String
    /// The name usable anywhere, e.g. `Grpc_Testing_LoadBalancerStatsResponse.MetadataEntry`.
    var qualifiedSwiftName: String
    var cStructName: String
    /// The prefix of protoc-c's functions and descriptor, e.g. `grpc__testing__simple_request`.
    var cLowerName: String
    var members: [MemberModel]
    var nestedMessages: [MessageModel]
    var nestedEnums: [EnumModel]
    var comment: String?
}

struct EnumValueModel {
    var protoName: String
    var number: Int32
    var swiftName: String
    var comment: String?
}

struct EnumModel {
    var fullName: String
    var swiftName: String
    var qualifiedSwiftName: String
    var values: [EnumValueModel]
    var comment: String?
}

struct MethodModel {
    var protoName: String
    var swiftName: String
    var inputSwiftType: String
    var outputSwiftType: String
    var clientStreaming: Bool
    var serverStreaming: Bool
    var comment: String?
}

struct ServiceModel {
    var fullName: String
    /// e.g. `Grpc_Testing_TestService`; the provider and client append `Provider` and `Client`.
    var swiftName: String
    var methods: [MethodModel]
    var comment: String?
}

/// One .proto file and what is generated from it.
struct FileModel {
    /// e.g. `grpc/testing/messages.proto`.
    var protoPath: String
    var messages: [MessageModel]
    var enums: [EnumModel]
    var services: [ServiceModel]

    /// The generated files' base name: the path with `/` → `_` and without `.proto` (Swift rejects two files of
    /// the same name in one module, e.g. v1/reflection and v1alpha/reflection).
    var generatedBaseName: String {
        var base = protoPath.hasSuffix(".proto") ? String(protoPath.dropLast(6)) : protoPath
        base = base.replacingSlashes(with: "_")
        return base
    }
}

/// An error that stops generation, with a message for the person running it.
struct GeneratorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    func replacingSlashes(with replacement: String) -> String {
        split(separator: "/", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
