@testable import PortRPC
import Testing

@Suite("Wire encodings of the runtime")
struct CoreTypesTests {
    @Test func grpcMessagePercentEncoding() {
        #expect(PercentEncoding.encode("plain text") == "plain text")
        #expect(PercentEncoding.encode("100%") == "100%25")
        #expect(PercentEncoding.encode("a\tb\n") == "a%09b%0A")
        #expect(PercentEncoding.encode("日本") == "%E6%97%A5%E6%9C%AC")
        #expect(PercentEncoding.decode("%E6%97%A5%E6%9C%AC 100%25") == "日本 100%")
        #expect(PercentEncoding.decode("bad %zz and %4") == "bad %zz and %4", "malformed escapes pass through")
    }

    @Test func grpcTimeoutCodec() {
        #expect(GRPCTimeout.parse("1S") == 1_000_000_000)
        #expect(GRPCTimeout.parse("250m") == 250_000_000)
        #expect(GRPCTimeout.parse("3u") == 3_000)
        #expect(GRPCTimeout.parse("99999999H") != nil)
        #expect(GRPCTimeout.parse("123456789S") == nil, "at most 8 digits")
        #expect(GRPCTimeout.parse("10") == nil)
        #expect(GRPCTimeout.parse("S") == nil)
        #expect(GRPCTimeout.parse("-1S") == nil)
        #expect(GRPCTimeout.encode(nanoseconds: 1_500) == "1500n")
        #expect(GRPCTimeout.encode(nanoseconds: 200_000_000_000) == "200000m")
        #expect(GRPCTimeout.encode(nanoseconds: 10 * 3_600_000_000_000) == "36000000m")
        #expect(GRPCTimeout.encode(nanoseconds: 200 * 3_600_000_000_000) == "720000S")
    }

    @Test func base64ForBinaryMetadata() {
        for bytes: [UInt8] in [[], [0], [0, 1], [0, 1, 2], [0xFF, 0xFE, 0xFD, 0xFC]] {
            #expect(Base64.decode(Base64.encode(bytes, padded: false)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, padded: true)) == bytes)
        }
        #expect(Base64.encode([0xAB, 0xAB, 0xAB, 0x00, 0xFF], padded: false) == "q6urAP8")
        #expect(Base64.decode("q6urAP8=") == [0xAB, 0xAB, 0xAB, 0x00, 0xFF])
        #expect(Base64.decode("not base64!") == nil)
    }

    @Test func methodPaths() {
        #expect(RPCMethod(path: "/grpc.testing.TestService/UnaryCall") == RPCMethod(service: "grpc.testing.TestService", method: "UnaryCall"))
        #expect(RPCMethod(path: "grpc.testing.TestService/UnaryCall")?.path == "/grpc.testing.TestService/UnaryCall")
        #expect(RPCMethod(path: "/missing") == nil)
        #expect(RPCMethod(path: "/a/b/c") == nil)
    }

    @Test func metadataNames() {
        #expect(Metadata.isValidCustomName("x-trace-id"))
        #expect(!Metadata.isValidCustomName("grpc-status"))
        #expect(!Metadata.isValidCustomName("Upper"))
        #expect(!Metadata.isValidCustomName("content-type"))
        var metadata: Metadata = ["a": "1"]
        metadata.add("a", "2")
        #expect(metadata.values("a") == [.string("1"), .string("2")])
    }
}
