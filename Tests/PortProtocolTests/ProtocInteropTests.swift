import Foundation
import PortProtocol
import Testing

/// Our encoding compared with protoc's (`protoc --encode`, C++ protobuf) for the same messages in text format, and
/// protoc's bytes decoded by us. Runs protoc when it is installed; the golden encodings below were produced by it
/// and are checked everywhere.
@Suite("Interoperability with protoc")
struct ProtocInteropTests {
    struct Case: Sendable, CustomStringConvertible {
        var type: String
        var protoFile: String
        var text: String
        var goldenHex: String
        var encode: @Sendable () -> [UInt8]
        var decodesBack: @Sendable ([UInt8]) throws -> Bool

        var description: String { type }

        init<M: ProtoMessage>(_ message: M, file: String, text: String, golden: String) {
            self.type = M.protoMessageName
            self.protoFile = file
            self.text = text
            self.goldenHex = golden
            self.encode = { message.serializedBytes() }
            self.decodesBack = { bytes in try M(serializedBytes: bytes) == message }
        }
    }

    static let cases: [Case] = {
        var request = Grpc_Testing_SimpleRequest()
        request.responseType = .compressable
        request.responseSize = 314_159
        request.payload = Grpc_Testing_Payload()
        request.payload?.body = [0, 1, 2, 0xFF]
        request.fillUsername = true
        request.responseStatus = Grpc_Testing_EchoStatus()
        request.responseStatus?.code = -2
        request.responseStatus?.message = "ステータス"
        request.expectCompressed = Grpc_Testing_BoolValue()
        request.fillGrpclbRouteType = true

        var streaming = Grpc_Testing_StreamingOutputCallRequest()
        streaming.responseParameters = [1, 2, 3].map { size in
            var parameters = Grpc_Testing_ResponseParameters()
            parameters.size = Int32(size * 1000)
            parameters.intervalUs = Int32(size)
            return parameters
        }

        var stats = Grpc_Testing_LoadBalancerStatsResponse()
        stats.rpcsByPeer = ["peer": 5]
        stats.numFailures = 1
        var byPeer = Grpc_Testing_LoadBalancerStatsResponse.RpcsByPeer()
        byPeer.rpcsByPeer = ["p": -1]
        stats.rpcsByMethod = ["UnaryCall": byPeer]

        var reconnect = Grpc_Testing_ReconnectInfo()
        reconnect.passed = true
        reconnect.backoffMs = [100, -1, 0]

        var configure = Grpc_Testing_ClientConfigureRequest()
        configure.types = [.emptyCall, .unaryCall]
        configure.timeoutSec = 20

        var reflection = Grpc_Reflection_V1_ServerReflectionRequest()
        reflection.host = "h"
        reflection.messageRequest = .listServices("")

        var duration = Google_Protobuf_Duration()
        duration.seconds = -1
        duration.nanos = -500

        var orca = Grpc_Testing_TestOrcaReport()
        orca.cpuUtilization = 0.75
        orca.requestCost = ["q": 2.5]

        var wide = Google_Protobuf_UInt64Value()
        wide.value = .max

        var float = Google_Protobuf_FloatValue()
        float.value = -1.25

        var definition = Cyberport_Deals_V1_FormDefinition()
        definition.name = "formDefinitions/UL040"
        definition.code = "UL040"
        definition.displayNameJa = "船積依頼書"
        definition.directions = [.export]

        return [
            Case(
                request, file: "grpc/testing/messages.proto",
                text: """
                    response_size: 314159 payload { body: "\\000\\001\\002\\377" } fill_username: true
                    response_status { code: -2 message: "ステータス" }
                    expect_compressed {} fill_grpclb_route_type: true
                    """,
                golden: "10af96131a061204000102ff2001" + "3a1c08feffffffffffffffff01120fe382b9e38386e383bce382bfe382b9"
                    + "42005001"),
            Case(
                streaming, file: "grpc/testing/messages.proto",
                text: """
                    response_parameters { size: 1000 interval_us: 1 } response_parameters { size: 2000 interval_us: 2 }
                    response_parameters { size: 3000 interval_us: 3 }
                    """,
                golden: "120508e8071001" + "120508d00f1002" + "120508b8171003"),
            Case(
                stats, file: "grpc/testing/messages.proto",
                text: """
                    rpcs_by_peer { key: "peer" value: 5 } num_failures: 1
                    rpcs_by_method { key: "UnaryCall" value { rpcs_by_peer { key: "p" value: -1 } } }
                    """,
                golden: "0a080a0470656572100510011a1d0a09556e61727943616c6c" + "12100a0e0a017010ffffffffffffffffff01"),
            Case(
                reconnect, file: "grpc/testing/messages.proto", text: "passed: true backoff_ms: [100, -1, 0]",
                golden: "0801120c64ffffffffffffffffff0100"),
            Case(
                configure, file: "grpc/testing/messages.proto", text: "types: [EMPTY_CALL, UNARY_CALL] timeout_sec: 20",
                golden: "0a0200011814"),
            Case(
                reflection, file: "grpc/reflection/v1/reflection.proto", text: "host: \"h\" list_services: \"\"",
                golden: "0a01683a00"),
            Case(
                duration, file: "google/protobuf/duration.proto", text: "seconds: -1 nanos: -500",
                golden: "08ffffffffffffffffff01" + "108cfcffffffffffffff01"),
            Case(
                orca, file: "grpc/testing/messages.proto",
                text: "cpu_utilization: 0.75 request_cost { key: \"q\" value: 2.5 }",
                golden: "09000000000000e83f" + "1a0c0a0171110000000000000440"),
            Case(
                wide, file: "google/protobuf/wrappers.proto", text: "value: 18446744073709551615",
                golden: "08ffffffffffffffffff01"),
            Case(float, file: "google/protobuf/wrappers.proto", text: "value: -1.25", golden: "0d0000a0bf"),
            Case(
                definition, file: "cyberport/deals/v1/deals.proto",
                text: """
                    name: "formDefinitions/UL040" code: "UL040" display_name_ja: "船積依頼書" directions: [EXPORT]
                    """,
                golden: "0a15666f726d446566696e6974696f6e732f554c3034301205554c303430"
                    + "1a0fe888b9e7a98de4be9de9a0bce69bb82a0101"),
        ]
    }()

    @Test("our encoding equals protoc's golden encoding, which decodes to the message", arguments: cases)
    func golden(_ testCase: Case) throws {
        #expect(hex(testCase.encode()) == testCase.goldenHex)
        #expect(try testCase.decodesBack(bytes(hex: testCase.goldenHex)))
    }

    @Test(
        "our encoding equals what protoc --encode produces now",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/protoc")), arguments: cases)
    func protocEncode(_ testCase: Case) throws {
        let protoc = try Self.protocEncode(type: testCase.type, file: testCase.protoFile, text: testCase.text)
        #expect(hex(protoc) == hex(testCase.encode()))
        #expect(try testCase.decodesBack(protoc))
    }

    /// The repository's Protos/ directory, found from this file's path.
    static var protosDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protos").path
    }

    static func protocEncode(type: String, file: String, text: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/protoc")
        process.arguments = ["-I\(protosDirectory)", "-I/usr/include", "--encode=\(type)", file]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProtocFailure(status: process.terminationStatus)
        }
        return Array(data)
    }

    struct ProtocFailure: Error {
        var status: Int32
    }
}
