import PortProtocol
import Testing

@Suite("Scalars, strings and bytes")
struct ScalarRoundTripTests {
    @Test("int32 and int64 keep negative and extreme values", arguments: [Int32.min, -1, 0, 1, 150, Int32.max])
    func int32(_ value: Int32) throws {
        var message = Google_Protobuf_Int32Value()
        message.value = value
        #expect(try roundTrip(message).value == value)
        var wide = Google_Protobuf_Int64Value()
        wide.value = Int64(value) * 4_000_000_000
        #expect(try roundTrip(wide).value == wide.value)
    }

    @Test("a negative int32 is a ten-byte varint on the wire")
    func negativeInt32Encoding() {
        var message = Google_Protobuf_Int32Value()
        message.value = -1
        #expect(hex(message.serializedBytes()) == "08ffffffffffffffffff01")
    }

    @Test("unsigned integers", arguments: [UInt64(0), 1, 300, UInt64(UInt32.max), UInt64.max])
    func unsigned(_ value: UInt64) throws {
        var wide = Google_Protobuf_UInt64Value()
        wide.value = value
        #expect(try roundTrip(wide).value == value)
        var narrow = Google_Protobuf_UInt32Value()
        narrow.value = UInt32(truncatingIfNeeded: value)
        #expect(try roundTrip(narrow).value == narrow.value)
    }

    @Test("floating point, including infinities and subnormals")
    func floatingPoint() throws {
        for value in [0.0, -1.5, .pi, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .infinity, -.infinity] {
            var double = Google_Protobuf_DoubleValue()
            double.value = value
            #expect(try roundTrip(double).value == value)
            var float = Google_Protobuf_FloatValue()
            float.value = Float(value)
            #expect(try roundTrip(float).value == Float(value))
        }
        var nan = Google_Protobuf_DoubleValue()
        nan.value = .nan
        #expect(try roundTrip(nan).value.isNaN)
    }

    @Test("bools")
    func bools() throws {
        var message = Google_Protobuf_BoolValue()
        #expect(message.serializedBytes().isEmpty)
        message.value = true
        #expect(message.serializedBytes() == [0x08, 0x01])
        #expect(try roundTrip(message).value)
    }

    @Test(
        "strings with multibyte UTF-8",
        arguments: ["", "a", "héllo", "取引 UL040 帳票", "🚢⚓️🌊", String(repeating: "港", count: 10_000)])
    func strings(_ value: String) throws {
        var message = Google_Protobuf_StringValue()
        message.value = value
        let length = value.utf8.count
        #expect(message.serializedBytes().count == (value.isEmpty ? 0 : 1 + varintLength(length) + length))
        #expect(try roundTrip(message).value == value)
    }

    @Test("bytes: empty, every byte value, and 1 MiB")
    func bytesValues() throws {
        var message = Google_Protobuf_BytesValue()
        #expect(try roundTrip(message).value == [])
        message.value = (0...255).map { UInt8($0) }
        #expect(try roundTrip(message).value == message.value)
        var random = DeterministicBytes(seed: 42)
        message.value = random.bytes(1 << 20)
        let encoded = message.serializedBytes()
        #expect(encoded.count == 1 + 3 + (1 << 20))
        #expect(try Google_Protobuf_BytesValue(serializedBytes: encoded).value == message.value)
    }

    @Test("a message of defaults encodes to nothing and decodes from nothing")
    func defaults() throws {
        #expect(Grpc_Testing_SimpleRequest().serializedBytes().isEmpty)
        #expect(try Grpc_Testing_SimpleRequest(serializedBytes: []) == Grpc_Testing_SimpleRequest())
        #expect(try Grpc_Testing_Empty(serializedBytes: []) == Grpc_Testing_Empty())
    }

    @Test("encode hands the exact size to the body and writes exactly that many bytes")
    func encodeContract() {
        var message = Grpc_Testing_EchoStatus()
        message.code = 5
        message.message = "not found"
        let result = message.encode { size, write in
            var buffer = [UInt8](repeating: 0xEE, count: size + 4)
            buffer.withUnsafeMutableBytes { write($0) }
            return (size, buffer)
        }
        #expect(result.0 == 13)
        #expect(Array(result.1[result.0...]) == [0xEE, 0xEE, 0xEE, 0xEE])
        #expect(Array(result.1[..<result.0]) == message.serializedBytes())
    }

    private func varintLength(_ value: Int) -> Int {
        var length = 1
        var rest = value >> 7
        while rest > 0 {
            length += 1
            rest >>= 7
        }
        return length
    }
}
