import PortDescriptors
import Testing

@Suite struct JSONWellKnownTypeTests {
    typealias S = JSONTestSupport
    let type = "test.v1.WellKnown"

    func roundTrip(_ json: String) throws -> String { try S.roundTrip(json, type) }

    @Test func timestamps() throws {
        #expect(try roundTrip(#"{"ts":"1972-01-01T10:00:20.021Z"}"#) == #"{"ts":"1972-01-01T10:00:20.021Z"}"#)
        #expect(try roundTrip(#"{"ts":"2024-05-01T12:00:00+09:00"}"#) == #"{"ts":"2024-05-01T03:00:00Z"}"#)
        #expect(try roundTrip(#"{"ts":"2024-02-29T23:59:59.1-01:30"}"#) == #"{"ts":"2024-03-01T01:29:59.100Z"}"#)
        #expect(try roundTrip(#"{"ts":"1970-01-01T00:00:00Z"}"#) == #"{"ts":"1970-01-01T00:00:00Z"}"#)
        #expect(try roundTrip(#"{"ts":"1969-12-31T23:59:59.000001Z"}"#) == #"{"ts":"1969-12-31T23:59:59.000001Z"}"#)
        #expect(try roundTrip(#"{"ts":"0001-01-01T00:00:00Z"}"#) == #"{"ts":"0001-01-01T00:00:00Z"}"#)
        #expect(
            try roundTrip(#"{"ts":"9999-12-31T23:59:59.999999999Z"}"#) == #"{"ts":"9999-12-31T23:59:59.999999999Z"}"#)
        #expect(try S.encode(#"{"ts":"1970-01-01T00:00:01Z"}"#, type) == JSONFixture.bytes("0a 02 08 01"))
    }

    @Test(arguments: [
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
        "2024-01-01T24:00:00Z", "2024-01-01T00:00:00.Z", "2024-01-01T00:00:00.1234567891Z", "10000-01-01T00:00:00Z",
        "0000-12-31T00:00:00Z", "2024-1-01T00:00:00Z",
    ])
    func invalidTimestamps(_ text: String) {
        let error = S.encodeError(#"{"ts":"\#(text)"}"#, type)
        #expect(error?.hasPrefix("ts: expected RFC 3339 timestamp") == true, "\(text): \(error ?? "no error")")
    }

    @Test func timestampOutOfRangeOnTheWireIsAnError() {
        // seconds = 253402300800 (year 10000).
        var bytes: [UInt8] = [0x08]
        var v: UInt64 = 253_402_300_800
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
        #expect(throws: ProtoJSONError.self) { try S.decode([0x0A, UInt8(bytes.count)] + bytes, type) }
    }

    @Test func durations() throws {
        #expect(try roundTrip(#"{"dur":"1.5s"}"#) == #"{"dur":"1.500s"}"#)
        #expect(try roundTrip(#"{"dur":"-0.000001s"}"#) == #"{"dur":"-0.000001s"}"#)
        #expect(try roundTrip(#"{"dur":"-3.000000001s"}"#) == #"{"dur":"-3.000000001s"}"#)
        #expect(try roundTrip(#"{"dur":"0s"}"#) == #"{"dur":"0s"}"#)
        #expect(try roundTrip(#"{"dur":"315576000000s"}"#) == #"{"dur":"315576000000s"}"#)
        // -1.5s is seconds -1, nanos -500000000.
        #expect(
            try S.encode(#"{"dur":"-1.5s"}"#, type)
                == JSONFixture.bytes("12 16 08 ff ff ff ff ff ff ff ff ff 01 10 80 b6 ca 91 fe ff ff ff ff 01"))
        #expect(S.encodeError(#"{"dur":"1.5"}"#, type) == #"dur: expected duration string like "1.5s", got "1.5""#)
        #expect(S.encodeError(#"{"dur":"315576000001s"}"#, type) != nil)
        #expect(S.encodeError(#"{"dur":1.5}"#, type) == #"dur: expected duration string like "1.5s", got number"#)
    }

    @Test func fieldMasks() throws {
        #expect(try roundTrip(#"{"mask":"fooBar.bazQux,x"}"#) == #"{"mask":"fooBar.bazQux,x"}"#)
        #expect(try S.encode(#"{"mask":"aB,c"}"#, type) == JSONFixture.bytes("1a 08 0a 03 61 5f 62 0a 01 63"))
        #expect(try roundTrip(#"{"mask":""}"#) == #"{"mask":""}"#)
    }

    @Test func structValueAndListValue() throws {
        let st = #"{"st":{"a":1,"b":[true,null,"s",{"c":{}}],"d":{"e":-2.5}}}"#
        #expect(try roundTrip(st) == st)
        for value in [#"1.5"#, #""s""#, "true", "null", #"[1,"two",[]]"#, #"{"k":{"n":null}}"#] {
            #expect(try roundTrip(#"{"val":\#(value)}"#) == #"{"val":\#(value)}"#)
        }
        #expect(try roundTrip(#"{"list":[1,"two",false]}"#) == #"{"list":[1,"two",false]}"#)
        #expect(try roundTrip(#"{"vals":[null,{},[]]}"#) == #"{"vals":[null,{},[]]}"#)
        #expect(try S.encode(#"{"val":null}"#, type) == JSONFixture.bytes("2a 02 08 00"))
    }

    @Test func emptyAndNullValue() throws {
        #expect(try roundTrip(#"{"empty":{}}"#) == #"{"empty":{}}"#)
        #expect(try S.encode(#"{"nul":null}"#, type) == [])
        #expect(
            S.encodeError(#"{"empty":{"x":1}}"#, type) == #"empty: unknown field "x" in message google.protobuf.Empty"#)
    }

    @Test func wrappersAreBareValues() throws {
        let json = """
            {"i32":0,"i64":"5","u32":7,"u64":"18446744073709551615","flt":1.5,"dbl":"NaN","bln":false,"str":"",\
            "byt":"AQ=="}
            """
        #expect(try roundTrip(json) == json)
        #expect(try S.encode(#"{"i32":0}"#, type) == JSONFixture.bytes("4a 00"))
        #expect(try S.encode(#"{"i32":null}"#, type) == [])
        #expect(try roundTrip(#"{"i64":7}"#) == #"{"i64":"7"}"#)
    }

    @Test func anyWithAMessageFromThePool() throws {
        let json = #"{"any":{"@type":"type.googleapis.com/test.v1.Scalars","fInt32":5,"fString":"x"}}"#
        #expect(try roundTrip(json) == json)
        let bytes = try S.encode(#"{"any":{"@type":"type.googleapis.com/test.v1.Scalars","fInt32":5}}"#, type)
        #expect(
            bytes == [0x42, 0x29, 0x0A, 0x23] + Array("type.googleapis.com/test.v1.Scalars".utf8) + [0x12, 2, 0x28, 5])
    }

    @Test func anyWithWellKnownTypesUsesValueMember() throws {
        let anys = """
            {"anys":[{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1s"},\
            {"@type":"type.googleapis.com/google.protobuf.Int32Value","value":3},\
            {"@type":"type.googleapis.com/google.protobuf.Empty","value":{}},\
            {"@type":"type.googleapis.com/google.protobuf.Struct","value":{"a":[1]}},\
            {"@type":"type.googleapis.com/google.protobuf.Any","value":\
            {"@type":"type.googleapis.com/test.v1.Nested","custom":"in"}},{}]}
            """
        #expect(try roundTrip(anys) == anys)
    }

    @Test func anyErrors() {
        #expect(
            S.encodeError(#"{"any":{"fInt32":5}}"#, type) == #"any: google.protobuf.Any is missing its "@type" member"#)
        #expect(
            S.encodeError(#"{"any":{"@type":"type.googleapis.com/no.Such"}}"#, type)
                == "any.@type: unknown message type no.Such (not in the descriptor pool)")
        #expect(
            S.encodeError(#"{"any":{"@type":"type.googleapis.com/test.v1.Scalars","nope":1}}"#, type)
                == #"any: unknown field "nope" in message test.v1.Scalars"#)
        #expect(
            S.encodeError(#"{"any":{"@type":"type.googleapis.com/google.protobuf.Duration"}}"#, type)
                == #"any: google.protobuf.Any holding google.protobuf.Duration needs a "value" member"#)
    }

    @Test func anyOfAnUnknownTypeOnTheWireIsAnError() throws {
        var any: [UInt8] = [0x0A, 23] + Array("type.googleapis.com/x.Y".utf8)
        any += [0x12, 0x00]
        let error = #expect(throws: ProtoJSONError.self) { try S.decode([0x42, UInt8(any.count)] + any, type) }
        #expect(error?.description == "any.@type: unknown message type x.Y (not in the descriptor pool)")
    }

    @Test func wellKnownTypesAtTheTopLevel() throws {
        let pool = DescriptorPool()
        let codec = ProtoJSONCodec()
        let bytes = try codec.encode("2s", messageType: "google.protobuf.Duration", pool: pool)
        #expect(bytes == [0x08, 0x02])
        #expect(try codec.decode(bytes, messageType: "google.protobuf.Duration", pool: pool) == "2s")
        let value: JSONValue = ["x": [1, "y", nil]]
        let valueBytes = try codec.encode(value, messageType: "google.protobuf.Value", pool: pool)
        #expect(try codec.decode(valueBytes, messageType: "google.protobuf.Value", pool: pool) == value)
    }
}
