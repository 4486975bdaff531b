@testable import PortProtocol
import Testing

@Suite("Decoding malformed input")
struct DecodingErrorTests {
    @Test(
        "malformed input throws 'malformed protobuf'",
        arguments: [
            "0a",  // a length-delimited field without its length
            "0a05",  // a length that runs past the end
            "1a0a0a0161",  // a sub-message cut short
            "08ffffffffffffffffffff01",  // an 11-byte varint
            "0f",  // wire type 7
            "00",  // field number 0
            "13",  // a start-group
            "1d0000",  // a fixed32 cut short
        ])
    func malformed(_ input: String) {
        #expect(throws: ProtoDecodingError(messageName: "grpc.testing.SimpleRequest", reason: "malformed protobuf")) {
            try Grpc_Testing_SimpleRequest(serializedBytes: bytes(hex: input))
        }
    }

    @Test("every truncation of a valid message either decodes or throws")
    func truncations() throws {
        let encoded = MessageShapeTests.fullSimpleRequest.serializedBytes()
        var rejected = 0
        for length in stride(from: 0, to: encoded.count, by: 97) {
            do {
                _ = try Grpc_Testing_SimpleRequest(serializedBytes: Array(encoded[..<length]))
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 0)
        #expect(ArenaDiagnostics.overflowBytes == 0)
    }

    @Test("random bytes never crash a decoder")
    func garbage() {
        var random = DeterministicBytes(seed: 7)
        for round in 0..<3_000 {
            let input = random.bytes(Int(random.next() % 64))
            _ = try? Grpc_Testing_SimpleRequest(serializedBytes: input)
            _ = try? Grpc_Testing_LoadBalancerStatsResponse(serializedBytes: input)
            _ = try? Grpc_Reflection_V1_ServerReflectionResponse(serializedBytes: input)
            _ = try? Google_Rpc_Status(serializedBytes: input)
            if round % 500 == 0 { #expect(ArenaDiagnostics.overflowBytes == 0) }
        }
    }

    @Test("mutations of a valid message never crash a decoder")
    func mutations() {
        var random = DeterministicBytes(seed: 11)
        var stats = Grpc_Testing_LoadBalancerStatsResponse()
        stats.rpcsByPeer = ["a": 1, "bb": 2]
        stats.rpcsByMethod = ["m": .init()]
        let valid = stats.serializedBytes() + Grpc_Reflection_V1_ServerReflectionRequest().serializedBytes()
        for _ in 0..<3_000 {
            var input = valid
            for _ in 0...(random.next() % 3) {
                input[Int(random.next() % UInt64(input.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            _ = try? Grpc_Testing_LoadBalancerStatsResponse(serializedBytes: input)
        }
    }

    @Test("a string that is not UTF-8 is rejected, naming the field")
    func invalidUTF8() {
        // username (field 2) = ff fe
        #expect(
            throws: ProtoDecodingError(
                messageName: "grpc.testing.SimpleResponse", reason: "field 'username' is not valid UTF-8")
        ) {
            try Grpc_Testing_SimpleResponse(serializedBytes: [0x12, 0x02, 0xFF, 0xFE])
        }
        // An overlong encoding of "/" and a lone surrogate are not UTF-8 either.
        #expect(throws: ProtoDecodingError.self) {
            try Google_Protobuf_StringValue(serializedBytes: [0x0A, 0x02, 0xC0, 0xAF])
        }
        #expect(throws: ProtoDecodingError.self) {
            try Google_Protobuf_StringValue(serializedBytes: [0x0A, 0x03, 0xED, 0xA0, 0x80])
        }
    }

    @Test("invalid UTF-8 in a nested repeated string, a map key and a oneof member is rejected")
    func invalidUTF8Nested() {
        // metadata_keys (field 3, repeated string) = "ok", ff
        #expect(
            throws: ProtoDecodingError(
                messageName: "grpc.testing.LoadBalancerStatsRequest",
                reason: "field 'metadata_keys' is not valid UTF-8")
        ) {
            try Grpc_Testing_LoadBalancerStatsRequest(serializedBytes: bytes(hex: "1a026f6b" + "1a01ff"))
        }
        // rpcs_by_peer {key: ff value: 1}
        #expect(
            throws: ProtoDecodingError(
                messageName: "grpc.testing.LoadBalancerStatsResponse",
                reason: "field 'rpcs_by_peer' is not valid UTF-8")
        ) {
            try Grpc_Testing_LoadBalancerStatsResponse(serializedBytes: bytes(hex: "0a050a01ff1001"))
        }
        // original_request {file_by_filename: ff}
        #expect(
            throws: ProtoDecodingError(
                messageName: "grpc.reflection.v1.ServerReflectionRequest",
                reason: "field 'file_by_filename' is not valid UTF-8")
        ) {
            try Grpc_Reflection_V1_ServerReflectionResponse(serializedBytes: bytes(hex: "12031a01ff"))
        }
    }

    @Test("the error describes message and reason")
    func description() {
        let error = ProtoDecodingError(messageName: "grpc.testing.Empty", reason: "malformed protobuf")
        #expect(error.description == "cannot decode grpc.testing.Empty: malformed protobuf")
    }
}
