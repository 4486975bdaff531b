import PortDescriptors
import PortProtocol
import Testing

@Suite("The embedded descriptor set")
struct EmbeddedDescriptorSetTests {
    @Test("parses with DescriptorPool and lists every service")
    func services() throws {
        let pool = try DescriptorPool(fileDescriptorSet: EmbeddedDescriptors.fileDescriptorSet)
        #expect(
            pool.allServices.map(\.fullName) == [
                "cyberport.deals.v1.ContainerMovementService",
                "cyberport.deals.v1.DealService",
                "cyberport.deals.v1.FormService",
                "cyberport.deals.v1.TimelineService",
                "cyberport.identity.v1.ApiKeyService",
                "cyberport.identity.v1.AuthService",
                "cyberport.identity.v1.CompanyService",
                "cyberport.identity.v1.IdentityService",
                "cyberport.identity.v1.OrganizationService",
                "cyberport.identity.v1.UserService",
                "cyberport.identity.v1.WebhookTargetService",
                "cyberport.naccs.v1.NaccsCredentialService",
                "cyberport.naccs.v1.NaccsRelayService",
                "cyberport.naccs.v1.NaccsService",
                "cyberport.stats.v1.AssetQueryService",
                "cyberport.stats.v1.FacilityLedgerService",
                "cyberport.stats.v1.InspectionService",
                "cyberport.stats.v1.PortCallService",
                "cyberport.stats.v1.PortService",
                "cyberport.stats.v1.PortSurveyService",
                "cyberport.stats.v1.StatisticalTableService",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection",
                "grpc.testing.BenchmarkService",
                "grpc.testing.ReconnectService",
                "grpc.testing.TestService",
                "grpc.testing.UnimplementedService",
            ])
        let watch = pool.service("grpc.health.v1.Health")?.method(named: "Watch")
        #expect(watch?.serverStreaming == true)
        #expect(watch?.clientStreaming == false)
    }

    @Test("holds the well-known types and no source info")
    func contents() throws {
        let files = try DescriptorParser.parseFileDescriptorSet(EmbeddedDescriptors.fileDescriptorSet)
        let names = Set(files.map(\.name))
        for wellKnown in ["any", "duration", "empty", "field_mask", "timestamp", "wrappers"] {
            #expect(names.contains("google/protobuf/\(wellKnown).proto"))
        }
        #expect(names.contains("grpc/testing/messages.proto"))
        // Dependencies come before the files that import them.
        for (index, file) in files.enumerated() {
            for dependency in file.dependencies {
                #expect(files[..<index].contains { $0.name == dependency }, "\(dependency) before \(file.name)")
            }
        }
        // No FileDescriptorProto carries field 9 (source_code_info).
        for file in files {
            var reader = WireReader(file.serialized)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readKey()
                #expect(number != 9, "\(file.name) has source info")
                try reader.skip(wireType)
            }
        }
    }

    @Test("every generated message's name is in the descriptor set")
    func messageNames() throws {
        let pool = try DescriptorPool(fileDescriptorSet: EmbeddedDescriptors.fileDescriptorSet)
        let names = [
            Grpc_Testing_SimpleRequest.protoMessageName,
            Grpc_Testing_LoadBalancerStatsResponse.RpcsByPeer.protoMessageName,
            Google_Rpc_Status.protoMessageName,
            Google_Protobuf_Timestamp.protoMessageName,
            Cyberport_Identity_V1_BusinessType.protoMessageName,
        ]
        for name in names { #expect(pool.message(name) != nil, "\(name)") }
        #expect(pool.enumType(Grpc_Testing_GrpclbRouteType.protoEnumName) != nil)
    }
}
