import PortDescriptors
import PortProtocol

/// The descriptors the client needs before it has asked the server anything: server reflection (v1 and v1alpha),
/// health checking and google.rpc.Status, built with the model initialisers so the client works even without the
/// embedded descriptor set; plus every file of that set (which adds google.rpc error details and the platform's own
/// protos) when it is available.
enum BuiltinDescriptors {
    static let healthPackage = "grpc.health.v1"
    static let statusType = "google.rpc.Status"

    /// The support pool: hand-built files first, then the embedded set.
    static let pool: DescriptorPool = {
        var pool = DescriptorPool()
        for package in [ReflectionVersion.v1.package, ReflectionVersion.v1alpha.package] {
            pool.add(reflectionFile(package: package))
        }
        pool.add(healthFile)
        pool.add(statusFile)
        if let embedded = try? DescriptorParser.parseFileDescriptorSet(EmbeddedDescriptors.fileDescriptorSet) {
            for file in embedded { pool.add(file) }
        }
        return pool
    }()

    private static func field(
        _ name: String, _ number: Int, _ type: FieldType, _ typeName: String = "", repeated: Bool = false,
        oneof: Int? = nil
    ) -> FieldDescriptor {
        FieldDescriptor(
            name: name, number: number, label: repeated ? .repeated : .optional, type: type, typeName: typeName,
            oneofIndex: oneof)
    }

    private static func message(
        _ package: String, _ name: String, _ fields: [FieldDescriptor], oneofs: [String] = []
    )
        -> MessageDescriptor
    {
        MessageDescriptor(name: name, fullName: "\(package).\(name)", fields: fields, oneofs: oneofs)
    }

    /// grpc/reflection/{v1,v1alpha}/reflection.proto (both versions have the same messages).
    static func reflectionFile(package p: String) -> FileDescriptor {
        let version = p.split(separator: ".").last.map(String.init) ?? "v1"
        return FileDescriptor(
            name: "grpc/reflection/\(version)/reflection.proto", package: p,
            messages: [
                message(
                    p, "ServerReflectionRequest",
                    [
                        field("host", 1, .string), field("file_by_filename", 3, .string, oneof: 0),
                        field("file_containing_symbol", 4, .string, oneof: 0),
                        field("file_containing_extension", 5, .message, "\(p).ExtensionRequest", oneof: 0),
                        field("all_extension_numbers_of_type", 6, .string, oneof: 0),
                        field("list_services", 7, .string, oneof: 0),
                    ], oneofs: ["message_request"]),
                message(
                    p, "ExtensionRequest",
                    [field("containing_type", 1, .string), field("extension_number", 2, .int32)]),
                message(
                    p, "ServerReflectionResponse",
                    [
                        field("valid_host", 1, .string),
                        field("original_request", 2, .message, "\(p).ServerReflectionRequest"),
                        field("file_descriptor_response", 4, .message, "\(p).FileDescriptorResponse", oneof: 0),
                        field("all_extension_numbers_response", 5, .message, "\(p).ExtensionNumberResponse", oneof: 0),
                        field("list_services_response", 6, .message, "\(p).ListServiceResponse", oneof: 0),
                        field("error_response", 7, .message, "\(p).ErrorResponse", oneof: 0),
                    ], oneofs: ["message_response"]),
                message(p, "FileDescriptorResponse", [field("file_descriptor_proto", 1, .bytes, repeated: true)]),
                message(
                    p, "ExtensionNumberResponse",
                    [field("base_type_name", 1, .string), field("extension_number", 2, .int32, repeated: true)]),
                message(
                    p, "ListServiceResponse", [field("service", 1, .message, "\(p).ServiceResponse", repeated: true)]),
                message(p, "ServiceResponse", [field("name", 1, .string)]),
                message(p, "ErrorResponse", [field("error_code", 1, .int32), field("error_message", 2, .string)]),
            ],
            services: [
                ServiceDescriptor(
                    name: "ServerReflection", fullName: "\(p).ServerReflection",
                    methods: [
                        MethodDescriptor(
                            name: "ServerReflectionInfo", inputType: "\(p).ServerReflectionRequest",
                            outputType: "\(p).ServerReflectionResponse", clientStreaming: true, serverStreaming: true)
                    ])
            ])
    }

    /// grpc/health/v1/health.proto.
    static let healthFile: FileDescriptor = {
        let p = healthPackage
        let servingStatus = EnumDescriptor(
            name: "ServingStatus", fullName: "\(p).HealthCheckResponse.ServingStatus",
            values: [
                EnumValueDescriptor(name: "UNKNOWN", number: 0), EnumValueDescriptor(name: "SERVING", number: 1),
                EnumValueDescriptor(name: "NOT_SERVING", number: 2),
                EnumValueDescriptor(name: "SERVICE_UNKNOWN", number: 3),
            ])
        var response = message(p, "HealthCheckResponse", [field("status", 1, .enum, servingStatus.fullName)])
        response.nestedEnums = [servingStatus]
        return FileDescriptor(
            name: "grpc/health/v1/health.proto", package: p,
            messages: [message(p, "HealthCheckRequest", [field("service", 1, .string)]), response],
            services: [
                ServiceDescriptor(
                    name: "Health", fullName: "\(p).Health",
                    methods: [
                        MethodDescriptor(
                            name: "Check", inputType: "\(p).HealthCheckRequest", outputType: "\(p).HealthCheckResponse",
                            clientStreaming: false, serverStreaming: false),
                        MethodDescriptor(
                            name: "Watch", inputType: "\(p).HealthCheckRequest", outputType: "\(p).HealthCheckResponse",
                            clientStreaming: false, serverStreaming: true),
                    ])
            ])
    }()

    /// google/rpc/status.proto.
    static let statusFile = FileDescriptor(
        name: "google/rpc/status.proto", package: "google.rpc",
        dependencies: ["google/protobuf/any.proto"],
        messages: [
            message(
                "google.rpc", "Status",
                [
                    field("code", 1, .int32), field("message", 2, .string),
                    field("details", 3, .message, "google.protobuf.Any", repeated: true),
                ])
        ])
}
