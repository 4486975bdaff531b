import PortDescriptors
import Testing

/// Malformed and random input must produce errors, never traps.
@Suite struct JSONRobustnessTests {
    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
    }

    @Test(arguments: ["test.v1.Scalars", "test.v1.Repeats", "test.v1.Maps", "test.v1.Nested", "test.v1.WellKnown"])
    func randomBytesNeverTrap(_ type: String) {
        var generator = Generator(state: 42)
        var decoded = 0
        for length in 0..<400 {
            let bytes = generator.bytes(length % 40)
            if (try? ProtoJSONCodec().decode(bytes, messageType: type, pool: JSONFixture.pool)) != nil { decoded += 1 }
        }
        #expect(decoded > 0)
    }

    @Test func mutatedValidMessagesNeverTrap() throws {
        let json = """
            {"ts":"2024-01-01T00:00:00Z","st":{"a":[1,{"b":null}]},"any":{"@type":"type.googleapis.com/test.v1.Scalars",\
            "fInt32":5},"i64":"9","anys":[{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s"}]}
            """
        let valid = try JSONTestSupport.encode(json, "test.v1.WellKnown")
        var generator = Generator(state: 7)
        for _ in 0..<500 {
            var bytes = valid
            let position = Int(generator.next() % UInt64(bytes.count))
            bytes[position] = UInt8(truncatingIfNeeded: generator.next())
            _ = try? ProtoJSONCodec().decode(bytes, messageType: "test.v1.WellKnown", pool: JSONFixture.pool)
        }
    }

    @Test func randomTextNeverTrapsTheParser() {
        var generator = Generator(state: 3)
        let alphabet = Array(#"{}[]":,.-+eE0123456789 \ntruefalsnu\u00"#.utf8) + [0xC3, 0xA9, 0xFF]
        for length in 0..<2000 {
            let bytes = (0..<(length % 30)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = try? JSONParser().parse(bytes)
            _ = try? JSONParser().parseSequence(bytes)
        }
    }

    @Test func timestampsRoundTripAcrossTheCalendar() throws {
        var generator = Generator(state: 11)
        for _ in 0..<2000 {
            let seconds = Int64(generator.next() % 315_537_897_600) - 62_135_596_800
            let json: JSONValue = ["ts": .string(try timestampText(seconds))]
            let bytes = try ProtoJSONCodec().encode(json, messageType: "test.v1.WellKnown", pool: JSONFixture.pool)
            let back = try ProtoJSONCodec().decode(bytes, messageType: "test.v1.WellKnown", pool: JSONFixture.pool)
            #expect(back == json)
        }
    }

    /// Formats through the codec (seconds → bytes → JSON) so the test checks text → seconds → text.
    private func timestampText(_ seconds: Int64) throws -> String {
        var message: [UInt8] = [0x08]
        var v = UInt64(bitPattern: seconds)
        while v >= 0x80 {
            message.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        message.append(UInt8(v))
        let json = try ProtoJSONCodec().decode(
            [0x0A, UInt8(message.count)] + message, messageType: "test.v1.WellKnown", pool: JSONFixture.pool)
        return json["ts"]?.stringValue ?? ""
    }

    @Test func knownCalendarDates() throws {
        let cases: [(Int64, String)] = [
            (0, "1970-01-01T00:00:00Z"), (951_782_400, "2000-02-29T00:00:00Z"), (-1, "1969-12-31T23:59:59Z"),
            (4_107_542_400, "2100-03-01T00:00:00Z"), (-2_208_988_800, "1900-01-01T00:00:00Z"),
            (1_700_000_000, "2023-11-14T22:13:20Z"),
        ]
        for (seconds, text) in cases { #expect(try timestampText(seconds) == text) }
    }
}
