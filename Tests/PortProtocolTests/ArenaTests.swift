@testable import PortProtocol
import Testing

@Suite("The thread-local arena")
struct ArenaTests {
    @Test("encode and decode leave the arena where they found it")
    func balanced() throws {
        let start = ArenaDiagnostics.position
        let request = MessageShapeTests.fullSimpleRequest
        let encoded = request.serializedBytes()
        #expect(ArenaDiagnostics.position == start)
        _ = try Grpc_Testing_SimpleRequest(serializedBytes: encoded)
        #expect(ArenaDiagnostics.position == start)
        #expect(ArenaDiagnostics.overflowBytes == 0)
    }

    @Test("messages larger than the first slab use overflow blocks that are freed afterwards")
    func overflow() throws {
        var message = Google_Protobuf_BytesValue()
        message.value = Array(repeating: 7, count: 100_000)
        let sizeSeenInside = message.encode { size, _ in (size, ArenaDiagnostics.overflowBytes) }
        #expect(sizeSeenInside.0 == 100_004)
        #expect(sizeSeenInside.1 >= 100_000)
        #expect(ArenaDiagnostics.overflowBytes == 0)
        #expect(try roundTrip(message) == message)
        #expect(ArenaDiagnostics.overflowBytes == 0)
    }

    @Test("encodes nest: a message encoded inside another's body")
    func nested() throws {
        var outer = Grpc_Testing_EchoStatus()
        outer.message = String(repeating: "o", count: 20_000)
        var inner = Grpc_Testing_EchoStatus()
        inner.message = "inner"
        let (outerBytes, innerBytes) = outer.encode { size, write in
            let innerBytes = inner.serializedBytes()
            var buffer = [UInt8](repeating: 0, count: size)
            buffer.withUnsafeMutableBytes { write($0) }
            return (buffer, innerBytes)
        }
        #expect(try Grpc_Testing_EchoStatus(serializedBytes: outerBytes) == outer)
        #expect(try Grpc_Testing_EchoStatus(serializedBytes: innerBytes) == inner)
        #expect(ArenaDiagnostics.overflowBytes == 0)
    }

    @Test("a throwing body still releases the arena")
    func throwingBody() {
        struct Stop: Error {}
        let start = ArenaDiagnostics.position
        var message = Google_Protobuf_StringValue()
        message.value = String(repeating: "x", count: 70_000)
        #expect(throws: Stop.self) { try message.encode { _, _ in throw Stop() } }
        #expect(ArenaDiagnostics.position == start)
        #expect(ArenaDiagnostics.overflowBytes == 0)
    }

    @Test("concurrent encodes and decodes on many threads do not interfere")
    func concurrent() async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    var request = MessageShapeTests.fullSimpleRequest
                    request.responseSize = Int32(index)
                    for _ in 0..<50 {
                        guard try roundTrip(request) == request else { return false }
                    }
                    return true
                }
            }
            for try await ok in group { #expect(ok) }
        }
    }
}
