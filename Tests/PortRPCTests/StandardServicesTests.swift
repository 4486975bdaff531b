import PortAPI
import PortDescriptors
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Health and reflection through the project's own client")
struct StandardServicesTests {
    @Test func healthCheckAndWatch() async throws {
        let registry = HealthRegistry()
        registry.set("", .serving)
        registry.set("x.Y", .notServing)
        try await withTestServer(extraServices: [HealthServiceHost(registry: registry)]) { _, client in
            let health = Grpc_Health_V1_HealthClient(client)
            var request = Grpc_Health_V1_HealthCheckRequest()
            request.service = "x.Y"
            #expect(try await health.check(request).status == .notServing)
            request.service = "unknown"
            let error = await #expect(throws: RPCError.self) { _ = try await health.check(request) }
            #expect(error?.code == .notFound)

            request.service = "x.Y"
            let statuses = try await health.watch(request) { responses in
                var seen: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                for try await response in responses {
                    seen.append(response.status)
                    if seen.count == 1 { registry.set("x.Y", .serving) } else { break }
                }
                return seen
            }
            #expect(statuses == [.notServing, .serving])
        }
    }

    @Test func reflectionListsServicesAndReturnsDescriptors() async throws {
        let reflection = ReflectionService(serviceNames: ["grpc.testing.TestService", "grpc.health.v1.Health"])
        try await withTestServer(extraServices: [reflection]) { _, client in
            for service in [ReflectionService.serviceName, ReflectionService.v1alphaServiceName] {
                let method = RPCMethod(service: service, method: "ServerReflectionInfo")
                let answers = try await client.bidirectionalStreaming(
                    method, requestType: Grpc_Reflection_V1_ServerReflectionRequest.self,
                    responseType: Grpc_Reflection_V1_ServerReflectionResponse.self,
                    requests: { writer in
                        var list = Grpc_Reflection_V1_ServerReflectionRequest()
                        list.messageRequest = .listServices("")
                        try await writer.write(list)
                        var symbol = Grpc_Reflection_V1_ServerReflectionRequest()
                        symbol.messageRequest = .fileContainingSymbol("grpc.testing.TestService")
                        try await writer.write(symbol)
                        var missing = Grpc_Reflection_V1_ServerReflectionRequest()
                        missing.messageRequest = .fileContainingSymbol("no.Such")
                        try await writer.write(missing)
                    }
                ) { responses in
                    var all: [Grpc_Reflection_V1_ServerReflectionResponse] = []
                    for try await response in responses { all.append(response) }
                    return all
                }
                #expect(answers.count == 3)
                guard case .listServicesResponse(let list)? = answers[0].messageResponse else {
                    Issue.record("expected a service list")
                    continue
                }
                #expect(list.service.map(\.name) == ["grpc.health.v1.Health", "grpc.testing.TestService"])
                guard case .fileDescriptorResponse(let files)? = answers[1].messageResponse else {
                    Issue.record("expected descriptors")
                    continue
                }
                let pool = try DescriptorPool(serializedFiles: files.fileDescriptorProto)
                #expect(pool.service("grpc.testing.TestService")?.methods.count == 7)
                #expect(pool.message("grpc.testing.SimpleRequest") != nil, "imports must be included")
                guard case .errorResponse(let error)? = answers[2].messageResponse else {
                    Issue.record("expected an error response")
                    continue
                }
                #expect(error.errorCode == 5)
            }
        }
    }
}

/// The health service under another registry (the test server has its own).
struct HealthServiceHost: RPCService {
    static var serviceName: String { "grpc.health.v1.Health" }
    let registry: HealthRegistry
    var methods: [ServerMethod] { HealthService(registry: registry).methods }
}
