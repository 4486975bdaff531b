import PortProtocol
import Testing

@Suite("Nested, repeated, map, enum and oneof fields")
struct MessageShapeTests {
    /// A request that sets every field of SimpleRequest.
    static var fullSimpleRequest: Grpc_Testing_SimpleRequest {
        var request = Grpc_Testing_SimpleRequest()
        request.responseType = .compressable
        request.responseSize = 314_159
        request.payload = Grpc_Testing_Payload()
        request.payload?.body = Array(repeating: 0, count: 271_828)
        request.fillUsername = true
        request.fillOauthScope = true
        request.responseCompressed = Grpc_Testing_BoolValue()
        request.responseCompressed?.value = true
        request.responseStatus = Grpc_Testing_EchoStatus()
        request.responseStatus?.code = 2
        request.responseStatus?.message = "test status message ✓"
        request.expectCompressed = Grpc_Testing_BoolValue()
        request.fillServerId = true
        request.fillGrpclbRouteType = true
        var report = Grpc_Testing_TestOrcaReport()
        report.cpuUtilization = 0.5
        report.memoryUtilization = 0.25
        report.requestCost = ["db": 1.5, "cache": -2]
        report.utilization = ["eth0": 0.125]
        request.orcaPerQueryReport = report
        return request
    }

    @Test("nested messages, including an empty one, survive a round trip")
    func nested() throws {
        let request = Self.fullSimpleRequest
        let decoded = try roundTrip(request)
        #expect(decoded == request)
        #expect(decoded.expectCompressed == Grpc_Testing_BoolValue())
        #expect(decoded.payload?.body.count == 271_828)
    }

    @Test("an absent sub-message stays nil")
    func absentSubMessage() throws {
        var request = Grpc_Testing_SimpleRequest()
        request.responseSize = 1
        #expect(try roundTrip(request).payload == nil)
    }

    @Test("repeated messages, scalars, strings and bytes")
    func repeated() throws {
        var request = Grpc_Testing_StreamingOutputCallRequest()
        request.responseParameters = (0..<50).map { index in
            var parameters = Grpc_Testing_ResponseParameters()
            parameters.size = Int32(index * 100)
            parameters.intervalUs = -Int32(index)
            if index % 3 == 0 {
                parameters.compressed = Grpc_Testing_BoolValue()
                parameters.compressed?.value = index % 2 == 0
            }
            return parameters
        }
        #expect(try roundTrip(request) == request)

        var info = Grpc_Testing_ReconnectInfo()
        info.passed = true
        info.backoffMs = [0, 1, -1, Int32.max, Int32.min, 100]
        #expect(try roundTrip(info) == info)

        var keys = Grpc_Testing_LoadBalancerStatsRequest()
        keys.metadataKeys = ["", "x-user", "キー", ""]
        #expect(try roundTrip(keys).metadataKeys == keys.metadataKeys)

        var files = Grpc_Reflection_V1_FileDescriptorResponse()
        files.fileDescriptorProto = [[], [1, 2, 3], Array(repeating: 0xFF, count: 1000)]
        #expect(try roundTrip(files) == files)

        var mask = Google_Protobuf_FieldMask()
        mask.paths = ["display_name", "form_definitions.code"]
        #expect(try roundTrip(mask) == mask)
    }

    @Test("maps with string, int32 and message values")
    func maps() throws {
        var stats = Grpc_Testing_LoadBalancerStatsResponse()
        stats.rpcsByPeer = ["peer-a": 10, "peer-b": -3, "": 0, "ピア": Int32.max]
        stats.numFailures = 7
        var byPeer = Grpc_Testing_LoadBalancerStatsResponse.RpcsByPeer()
        byPeer.rpcsByPeer = ["peer-a": 4]
        stats.rpcsByMethod = ["UnaryCall": byPeer, "EmptyCall": .init()]
        var metadata = Grpc_Testing_LoadBalancerStatsResponse.MetadataEntry()
        metadata.key = "k"
        metadata.value = "v"
        metadata.type = .trailing
        var rpc = Grpc_Testing_LoadBalancerStatsResponse.RpcMetadata()
        rpc.metadata = [metadata, .init()]
        var peerMetadata = Grpc_Testing_LoadBalancerStatsResponse.MetadataByPeer()
        peerMetadata.rpcMetadata = [rpc]
        stats.metadatasByPeer = ["peer-a": peerMetadata]
        #expect(try roundTrip(stats) == stats)

        var accumulated = Grpc_Testing_LoadBalancerAccumulatedStatsResponse()
        var methodStats = Grpc_Testing_LoadBalancerAccumulatedStatsResponse.MethodStats()
        methodStats.rpcsStarted = 3
        methodStats.result = [0: 2, 14: 1, -1: 5]
        accumulated.statsPerMethod = ["UNARY_CALL": methodStats]
        accumulated.numRpcsStartedByMethod = ["UNARY_CALL": 3]
        #expect(try roundTrip(accumulated) == accumulated)

        var info = Google_Rpc_ErrorInfo()
        info.reason = "PAGE_SIZE_NEGATIVE"
        info.domain = "cyberport.example"
        info.metadata = ["pageSize": "-1", "limit": "100"]
        #expect(try roundTrip(info) == info)
    }

    @Test("a duplicated map key keeps the last value, as protobuf requires")
    func duplicateMapKey() throws {
        // rpcs_by_peer {key: "a" value: 1} rpcs_by_peer {key: "a" value: 2}
        let wire = bytes(hex: "0a050a01611001" + "0a050a01611002")
        let decoded = try Grpc_Testing_LoadBalancerStatsResponse(serializedBytes: wire)
        #expect(decoded.rpcsByPeer == ["a": 2])
    }

    @Test("enums: named values, names, and unknown numbers kept")
    func enums() throws {
        #expect(Grpc_Health_V1_HealthCheckResponse.ServingStatus.serving.rawValue == 1)
        #expect(Grpc_Health_V1_HealthCheckResponse.ServingStatus.serviceUnknown.protoValueName == "SERVICE_UNKNOWN")
        #expect(Grpc_Testing_GrpclbRouteType.backend.protoValueName == "GRPCLB_ROUTE_TYPE_BACKEND")
        #expect(Grpc_Testing_GrpclbRouteType.knownValues == [.unknown, .fallback, .backend])
        #expect(Cyberport_Deals_V1_TradeDirection.import.rawValue == 2)
        #expect(Cyberport_Naccs_V1_ProcedureKind.registerAndCall.rawValue == 3)
        #expect(Grpc_Testing_HookRequest.HookRequestCommand.return.protoValueName == "RETURN")
        #expect(Grpc_Testing_PayloadType() == .compressable)

        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = .notServing
        #expect(try roundTrip(response).status == .notServing)
        response.status = .init(rawValue: 42)
        let decoded = try roundTrip(response)
        #expect(decoded.status.rawValue == 42)
        #expect(decoded.status.protoValueName == nil)
        #expect(decoded.status.description == "42")
        response.status = .init(rawValue: -7)
        #expect(try roundTrip(response).status.rawValue == -7)

        var configure = Grpc_Testing_ClientConfigureRequest()
        configure.types = [.unaryCall, .emptyCall, .init(rawValue: 9), .init(rawValue: -1)]
        var metadata = Grpc_Testing_ClientConfigureRequest.Metadata()
        metadata.type = .unaryCall
        metadata.key = "k"
        configure.metadata = [metadata]
        configure.timeoutSec = 30
        #expect(try roundTrip(configure) == configure)

        var definition = Cyberport_Deals_V1_FormDefinition()
        definition.directions = [.export, .import]
        #expect(try roundTrip(definition).directions == [.export, .import])
    }

    @Test("oneofs: each member, an empty string member, and none")
    func oneofs() throws {
        var request = Grpc_Reflection_V1_ServerReflectionRequest()
        request.host = "localhost"
        #expect(try roundTrip(request).messageRequest == nil)

        let members: [Grpc_Reflection_V1_ServerReflectionRequest.MessageRequest] = [
            .fileByFilename("grpc/health/v1/health.proto"),
            .fileContainingSymbol("grpc.health.v1.Health"),
            .fileContainingExtension(.init()),
            .allExtensionNumbersOfType("grpc.testing.SimpleRequest"),
            .listServices(""),
            .listServices("*"),
        ]
        for member in members {
            request.messageRequest = member
            #expect(try roundTrip(request) == request)
        }
        var extensionRequest = Grpc_Reflection_V1_ExtensionRequest()
        extensionRequest.containingType = "grpc.testing.SimpleRequest"
        extensionRequest.extensionNumber = 100
        request.messageRequest = .fileContainingExtension(extensionRequest)
        #expect(try roundTrip(request) == request)

        // An empty string in a oneof is still present on the wire (field 7, length 0).
        var listServices = Grpc_Reflection_V1alpha_ServerReflectionRequest()
        listServices.messageRequest = .listServices("")
        #expect(listServices.serializedBytes() == [0x3A, 0x00])

        var response = Grpc_Reflection_V1_ServerReflectionResponse()
        response.originalRequest = request
        var services = Grpc_Reflection_V1_ListServiceResponse()
        var service = Grpc_Reflection_V1_ServiceResponse()
        service.name = "grpc.health.v1.Health"
        services.service = [service]
        response.messageResponse = .listServicesResponse(services)
        #expect(try roundTrip(response) == response)
        var error = Grpc_Reflection_V1_ErrorResponse()
        error.errorCode = 5
        error.errorMessage = "not found"
        response.messageResponse = .errorResponse(error)
        #expect(try roundTrip(response) == response)
    }

    @Test("the last of several oneof members on the wire wins")
    func oneofLastWins() throws {
        // file_by_filename "a", then file_containing_symbol "b".
        let wire = bytes(hex: "1a0161" + "220162")
        let decoded = try Grpc_Reflection_V1_ServerReflectionRequest(serializedBytes: wire)
        #expect(decoded.messageRequest == .fileContainingSymbol("b"))
    }

    @Test("well-known types with nested messages: Status with Any details, RetryInfo with Duration")
    func wellKnownTypes() throws {
        var retry = Google_Rpc_RetryInfo()
        retry.retryDelay = Google_Protobuf_Duration()
        retry.retryDelay?.seconds = -3
        retry.retryDelay?.nanos = -500_000_000
        var detail = Google_Protobuf_Any()
        detail.typeUrl = "type.googleapis.com/google.rpc.RetryInfo"
        detail.value = retry.serializedBytes()
        var status = Google_Rpc_Status()
        status.code = 14
        status.message = "unavailable: 再試行してください"
        status.details = [detail, .init()]
        let decoded = try roundTrip(status)
        #expect(decoded == status)
        #expect(try Google_Rpc_RetryInfo(serializedBytes: decoded.details[0].value) == retry)
    }

    @Test("unknown fields are skipped when decoding")
    func unknownFields() throws {
        // field 2 (int32 response_size) = 1, then unknown field 99 (varint) and unknown field 100 (bytes).
        let wire = bytes(hex: "1001" + "980601" + "a20602" + "6869")
        let decoded = try Grpc_Testing_SimpleRequest(serializedBytes: wire)
        #expect(decoded.responseSize == 1)
        #expect(decoded.serializedBytes() == [0x10, 0x01])
    }

    @Test("RawProtoMessage passes bytes through unchanged")
    func rawMessage() throws {
        let encoded = Self.fullSimpleRequest.serializedBytes()
        let raw = try RawProtoMessage(serializedBytes: encoded)
        #expect(raw.bytes == encoded)
        #expect(raw.serializedBytes() == encoded)
        #expect(try Grpc_Testing_SimpleRequest(serializedBytes: raw.serializedBytes()) == Self.fullSimpleRequest)
        #expect(RawProtoMessage().serializedBytes().isEmpty)
    }

    @Test("protoMessageName is the fully qualified name")
    func names() {
        #expect(Grpc_Testing_SimpleRequest.protoMessageName == "grpc.testing.SimpleRequest")
        #expect(
            Grpc_Testing_LoadBalancerStatsResponse.MetadataEntry.protoMessageName
                == "grpc.testing.LoadBalancerStatsResponse.MetadataEntry")
        #expect(Google_Protobuf_Duration.protoMessageName == "google.protobuf.Duration")
        #expect(
            Grpc_Health_V1_HealthCheckResponse.ServingStatus.protoEnumName
                == "grpc.health.v1.HealthCheckResponse.ServingStatus")
    }
}
