import PortDescriptors
import PortProtocol
import PortRPC

/// gRPC server reflection, v1 and v1alpha (the messages are wire-identical, so one implementation serves both
/// paths): lists the hosted services and returns file descriptors, with their imports, from the embedded
/// descriptor set.
public struct ReflectionService: RPCService {
    public static var serviceName: String { "grpc.reflection.v1.ServerReflection" }
    /// The older name some tools still call.
    public static let v1alphaServiceName = "grpc.reflection.v1alpha.ServerReflection"

    private let pool: DescriptorPool
    private let serviceNames: [String]

    /// - Parameter serviceNames: the services to list (the hosted ones, including health and reflection).
    public init(serviceNames: [String], pool: DescriptorPool = ReflectionService.embeddedPool) {
        self.pool = pool
        self.serviceNames = serviceNames.sorted()
    }

    /// The descriptor set compiled into the binary.
    public static let embeddedPool: DescriptorPool = {
        do {
            return try DescriptorPool(fileDescriptorSet: EmbeddedDescriptors.fileDescriptorSet)
        } catch {
            preconditionFailure("the embedded descriptor set does not parse: \(error)")
        }
    }()

    public var methods: [ServerMethod] {
        [Self.serviceName, Self.v1alphaServiceName].map { service in
            ServerMethod.bidirectionalStreaming(RPCMethod(service: service, method: "ServerReflectionInfo")) {
                (requests: ServerRequestStream<Grpc_Reflection_V1_ServerReflectionRequest>,
                 responses: ServerResponseWriter<Grpc_Reflection_V1_ServerReflectionResponse>, _) in
                for try await request in requests {
                    try await responses.write(answer(request))
                }
            }
        }
    }

    /// The response to one reflection request.
    func answer(_ request: Grpc_Reflection_V1_ServerReflectionRequest) -> Grpc_Reflection_V1_ServerReflectionResponse {
        var response = Grpc_Reflection_V1_ServerReflectionResponse()
        response.validHost = request.host
        response.originalRequest = request
        switch request.messageRequest {
        case .listServices?:
            var list = Grpc_Reflection_V1_ListServiceResponse()
            list.service = serviceNames.map { name in
                var entry = Grpc_Reflection_V1_ServiceResponse()
                entry.name = name
                return entry
            }
            response.messageResponse = .listServicesResponse(list)
        case .fileByFilename(let name)?:
            response.messageResponse =
                pool.file(named: name) != nil
                ? files(pool.fileWithDependencies(name))
                : error(.notFound, "file \"\(name)\" not found")
        case .fileContainingSymbol(let symbol)?:
            response.messageResponse =
                pool.fileContaining(symbol: symbol).map { files(pool.fileWithDependencies($0.name)) }
                ?? error(.notFound, "symbol \"\(symbol)\" not found")
        case .fileContainingExtension(let request)?:
            response.messageResponse = error(
                .notFound, "extension \(request.extensionNumber) of \"\(request.containingType)\" not found")
        case .allExtensionNumbersOfType(let type)?:
            if pool.message(type) != nil {
                var numbers = Grpc_Reflection_V1_ExtensionNumberResponse()
                numbers.baseTypeName = type
                response.messageResponse = .allExtensionNumbersResponse(numbers)
            } else {
                response.messageResponse = error(.notFound, "message type \"\(type)\" not found")
            }
        case nil:
            response.messageResponse = error(.invalidArgument, "the request names no reflection query")
        }
        return response
    }

    private func files(_ files: [FileDescriptor]) -> Grpc_Reflection_V1_ServerReflectionResponse.MessageResponse {
        var result = Grpc_Reflection_V1_FileDescriptorResponse()
        result.fileDescriptorProto = files.reversed().map(\.serialized)
        return .fileDescriptorResponse(result)
    }

    private func error(_ code: StatusCode, _ message: String) -> Grpc_Reflection_V1_ServerReflectionResponse.MessageResponse {
        var error = Grpc_Reflection_V1_ErrorResponse()
        error.errorCode = Int32(code.rawValue)
        error.errorMessage = message
        return .errorResponse(error)
    }
}
