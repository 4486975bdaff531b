import PortDescriptors
import Testing

@Suite("DescriptorPool over the embedded descriptor set")
struct DescriptorPoolTests {
    let pool: DescriptorPool

    init() throws {
        pool = try DescriptorPool(fileDescriptorSet: EmbeddedDescriptorSetFixture.bytes)
    }

    @Test("the set holds every project file and the well-known types")
    func files() {
        #expect(EmbeddedDescriptorSetFixture.bytes.count > 10_000)
        let names = Set(pool.files.map(\.name))
        for name in [
            "grpc/testing/messages.proto", "grpc/testing/test.proto", "grpc/health/v1/health.proto",
            "grpc/reflection/v1/reflection.proto", "grpc/reflection/v1alpha/reflection.proto",
            "cyberport/deals/v1/deals.proto", "google/rpc/status.proto", "google/protobuf/any.proto",
            "google/protobuf/wrappers.proto", "google/protobuf/timestamp.proto",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(pool.file(named: "grpc/testing/messages.proto")?.package == "grpc.testing")
        #expect(pool.file(named: "grpc/testing/messages.proto")?.syntax == "proto3")
    }

    @Test("messages and fields by name, number and JSON name")
    func messages() throws {
        let request = try #require(pool.message("grpc.testing.SimpleRequest"))
        #expect(request.fields.count == 11)
        let responseSize = try #require(request.field(named: "response_size"))
        #expect(responseSize.number == 2)
        #expect(responseSize.type == .int32)
        #expect(responseSize.jsonName == "responseSize")
        #expect(request.field(named: "responseSize") == responseSize)
        #expect(request.field(number: 3)?.typeName == "grpc.testing.Payload")
        #expect(request.field(number: 3)?.type == .message)
        #expect(request.field(number: 1)?.typeName == "grpc.testing.PayloadType")
        #expect(request.field(number: 99) == nil)

        let keys = try #require(pool.message("grpc.testing.LoadBalancerStatsRequest")?.field(named: "metadata_keys"))
        #expect(keys.isRepeated)
        #expect(keys.type == .string)
    }

    @Test("nested types, map entries and oneofs")
    func nested() throws {
        let rpcsByPeer = try #require(pool.message("grpc.testing.LoadBalancerStatsResponse.RpcsByPeer"))
        #expect(rpcsByPeer.name == "RpcsByPeer")
        let entry = try #require(pool.message("grpc.testing.LoadBalancerStatsResponse.RpcsByPeerEntry"))
        #expect(entry.isMapEntry)
        #expect(entry.field(number: 1)?.type == .string)
        #expect(entry.field(number: 2)?.type == .int32)
        #expect(pool.message("grpc.testing.LoadBalancerStatsResponse.MetadataEntry")?.isMapEntry == false)

        let reflection = try #require(pool.message("grpc.reflection.v1.ServerReflectionRequest"))
        #expect(reflection.oneofs == ["message_request"])
        #expect(reflection.field(named: "file_by_filename")?.oneofIndex == 0)
        #expect(reflection.field(named: "host")?.oneofIndex == nil)
    }

    @Test("enums, top-level and nested")
    func enums() throws {
        let payloadType = try #require(pool.enumType("grpc.testing.PayloadType"))
        #expect(payloadType.values == [EnumValueDescriptor(name: "COMPRESSABLE", number: 0)])
        let status = try #require(pool.enumType("grpc.health.v1.HealthCheckResponse.ServingStatus"))
        #expect(status.value(named: "SERVICE_UNKNOWN")?.number == 3)
        #expect(status.value(number: 1)?.name == "SERVING")
        #expect(pool.enumType("grpc.health.v1.ServingStatus") == nil)
    }

    @Test("services and their streaming kinds")
    func services() throws {
        let health = try #require(pool.service("grpc.health.v1.Health"))
        #expect(health.methods.map(\.name) == ["Check", "Watch"])
        #expect(health.method(named: "Check")?.serverStreaming == false)
        #expect(health.method(named: "Watch")?.serverStreaming == true)
        #expect(health.method(named: "Watch")?.inputType == "grpc.health.v1.HealthCheckRequest")
        let reflection = try #require(pool.service("grpc.reflection.v1alpha.ServerReflection"))
        #expect(reflection.methods.first?.clientStreaming == true)
        #expect(reflection.methods.first?.serverStreaming == true)
        let benchmark = try #require(pool.service("grpc.testing.BenchmarkService"))
        #expect(benchmark.method(named: "StreamingFromClient")?.clientStreaming == true)
        #expect(benchmark.method(named: "StreamingFromClient")?.serverStreaming == false)
        #expect(pool.allServices.map(\.fullName) == pool.allServices.map(\.fullName).sorted())
        #expect(pool.allServices.count == 26)
    }

    @Test("the file containing a symbol", arguments: [
        ("grpc.testing.SimpleRequest", "grpc/testing/messages.proto"),
        (".grpc.testing.SimpleRequest", "grpc/testing/messages.proto"),
        ("grpc.testing.LoadBalancerStatsResponse.MetadataEntry", "grpc/testing/messages.proto"),
        ("grpc.testing.GrpclbRouteType", "grpc/testing/messages.proto"),
        ("grpc.testing.TestService", "grpc/testing/test.proto"),
        ("grpc.testing.TestService.UnaryCall", "grpc/testing/test.proto"),
        ("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto"),
        ("google.protobuf.Duration", "google/protobuf/duration.proto"),
        ("cyberport.naccs.v1.NaccsService.GetNaccsProcedure", "cyberport/naccs/v1/naccs.proto"),
        ("cyberport.identity.v1.AuthService.Login", "cyberport/identity/v1/auth.proto"),
        ("grpc.testing.COMPRESSABLE", "grpc/testing/messages.proto"),
        ("grpc.health.v1.HealthCheckResponse.SERVING", "grpc/health/v1/health.proto"),
    ])
    func fileContaining(_ symbol: String, _ file: String) {
        #expect(pool.fileContaining(symbol: symbol)?.name == file)
    }

    @Test("unknown symbols and files are nil")
    func unknown() {
        #expect(pool.fileContaining(symbol: "grpc.testing.Nope") == nil)
        #expect(pool.fileContaining(symbol: "grpc.testing.TestService.Nope") == nil)
        #expect(pool.file(named: "nope.proto") == nil)
        #expect(pool.fileWithDependencies("nope.proto").isEmpty)
    }

    @Test("a file with its dependencies, dependencies first, each once")
    func dependencies() {
        #expect(
            pool.fileWithDependencies("grpc/testing/test.proto").map(\.name) == [
                "grpc/testing/empty.proto", "grpc/testing/messages.proto", "grpc/testing/test.proto",
            ])
        #expect(
            pool.fileWithDependencies("google/rpc/status.proto").map(\.name) == [
                "google/protobuf/any.proto", "google/rpc/status.proto",
            ])
        #expect(
            pool.fileWithDependencies("grpc/testing/benchmark_service.proto").map(\.name) == [
                "grpc/testing/messages.proto", "grpc/testing/benchmark_service.proto",
            ])
        #expect(pool.fileWithDependencies("grpc/testing/empty.proto").map(\.name) == ["grpc/testing/empty.proto"])
    }

    @Test("a pool rebuilt from the serialized files (what reflection sends) is the same")
    func serializedFiles() throws {
        let rebuilt = try DescriptorPool(serializedFiles: pool.files.map(\.serialized))
        #expect(rebuilt.files == pool.files)
        #expect(rebuilt.allServices == pool.allServices)
    }

    @Test("adding a file of the same name replaces it")
    func replace() throws {
        var copy = pool
        let count = copy.files.count
        var empty = try #require(copy.file(named: "grpc/testing/empty.proto"))
        empty.messages = []
        copy.add(empty)
        #expect(copy.files.count == count)
        #expect(copy.file(named: "grpc/testing/empty.proto")?.messages.isEmpty == true)
        copy.add(FileDescriptor(name: "extra.proto", package: "extra"))
        #expect(copy.files.count == count + 1)
        #expect(copy.files.last?.name == "extra.proto")
    }
}
