import PortDescriptors
import Testing

@Suite struct JSONCodecStructureTests {
    typealias S = JSONTestSupport

    @Test func repeatedFieldsRoundTrip() throws {
        let json = """
            {"ints":[1,-2,300],"strings":["a","","c"],"colors":["RED",9,"COLOR_UNSPECIFIED"],\
            "messages":[{"fInt32":1},{}],"doubles":[1.5,"NaN"],"unpackedSints":["-1","2"],"bools":[true,false],\
            "blobs":["AQ==",""]}
            """
        #expect(try S.roundTrip(json, "test.v1.Repeats") == json)
    }

    @Test func proto3RepeatedScalarsArePackedUnlessSaidOtherwise() throws {
        #expect(try S.encode(#"{"ints":[1,2,3]}"#, "test.v1.Repeats") == JSONFixture.bytes("0a 03 01 02 03"))
        #expect(try S.encode(#"{"unpackedSints":[1,-1]}"#, "test.v1.Repeats") == JSONFixture.bytes("30 02 30 01"))
        #expect(try S.encode(#"{"strings":["a","b"]}"#, "test.v1.Repeats") == JSONFixture.bytes("12 01 61 12 01 62"))
        #expect(try S.encode(#"{"ints":[]}"#, "test.v1.Repeats") == [])
    }

    @Test func decodeAcceptsPackedAndUnpackedForms() throws {
        // ints: unpacked 1, packed [2, 3], unpacked 4; unpacked_sints packed [-1, 1] though declared unpacked.
        let bytes = JSONFixture.bytes("08 01 0a 02 02 03 08 04 32 02 01 02")
        #expect(try S.decode(bytes, "test.v1.Repeats") == #"{"ints":[1,2,3,4],"unpackedSints":["-1","1"]}"#)
        // Packed fixed64 doubles.
        let doubles = JSONFixture.bytes("2a 10 00 00 00 00 00 00 f8 3f 00 00 00 00 00 00 00 c0")
        #expect(try S.decode(doubles, "test.v1.Repeats") == #"{"doubles":[1.5,-2]}"#)
    }

    @Test func proto2RepeatedIsUnpackedAndScalarsHavePresence() throws {
        let bytes = try S.encode(#"{"count":0,"values":[1,2]}"#, "test.v1.Legacy")
        #expect(bytes == JSONFixture.bytes("08 00 10 01 10 02"))
        #expect(try S.decode(bytes, "test.v1.Legacy") == #"{"count":0,"values":[1,2]}"#)
    }

    @Test func mapsOfEveryKeyKind() throws {
        let json = """
            {"byName":{"b":2,"a":1},"byId":{"-5":"minus","9223372036854775807":"max"},\
            "byFlag":{"true":{"fString":"yes"},"false":{}},"colors":{"7":"RED","8":42},"blobs":{"-1":"AA=="}}
            """
        #expect(try S.roundTrip(json, "test.v1.Maps") == json)
    }

    @Test func mapEntriesAlwaysCarryKeyAndValue() throws {
        #expect(try S.encode(#"{"byName":{"":0}}"#, "test.v1.Maps") == JSONFixture.bytes("0a 04 0a 00 10 00"))
    }

    @Test func mapDecodingToleratesMissingKeyOrValueAndDuplicateKeys() throws {
        // by_name entries: {value: 3} (key missing), {key "a", value 1}, {key "a", value 2}.
        let bytes = JSONFixture.bytes("0a 02 10 03 0a 05 0a 01 61 10 01 0a 05 0a 01 61 10 02")
        #expect(try S.decode(bytes, "test.v1.Maps") == #"{"byName":{"":3,"a":2}}"#)
        // by_flag entry with key only: the value is an empty message.
        #expect(try S.decode(JSONFixture.bytes("1a 02 08 01"), "test.v1.Maps") == #"{"byFlag":{"true":{}}}"#)
    }

    @Test func oneofMemberIsOutputEvenAtDefault() throws {
        let bytes = try S.encode(#"{"number":0}"#, "test.v1.Oneofs")
        #expect(bytes == JSONFixture.bytes("10 00"))
        #expect(try S.decode(bytes, "test.v1.Oneofs") == #"{"number":0}"#)
        #expect(try S.roundTrip(#"{"nested":{}}"#, "test.v1.Oneofs") == #"{"nested":{}}"#)
    }

    @Test func lastOneofMemberOnTheWireWins() throws {
        // text = "a", then number = 5.
        #expect(try S.decode(JSONFixture.bytes("0a 01 61 10 05"), "test.v1.Oneofs") == #"{"number":5}"#)
    }

    @Test func proto3OptionalTracksPresence() throws {
        #expect(try S.roundTrip(#"{"maybe":0,"plain":0}"#, "test.v1.Oneofs") == #"{"maybe":0}"#)
        #expect(try S.roundTrip(#"{"text":"x","maybe":3}"#, "test.v1.Oneofs") == #"{"text":"x","maybe":3}"#)
    }

    @Test func nestedMessagesCustomJSONNameAndNestedEnum() throws {
        let json =
            #"{"payload":{"fInt32":1},"child":{"child":{"custom":"deep"}},"custom":"x","inner":{"level":"HIGH"}}"#
        #expect(try S.roundTrip(json, "test.v1.Nested") == json)
        #expect(try S.roundTrip(#"{"json_named":"y"}"#, "test.v1.Nested") == #"{"custom":"y"}"#)
        #expect(try S.roundTrip(#"{"payload":{}}"#, "test.v1.Nested") == #"{"payload":{}}"#)
    }

    @Test func repeatedOccurrencesOfAMessageFieldMerge() throws {
        // payload {f_int32: 1} then payload {f_string: "s"}.
        let bytes = JSONFixture.bytes("0a 02 28 01 0a 03 4a 01 73")
        #expect(try S.decode(bytes, "test.v1.Nested") == #"{"payload":{"fInt32":1,"fString":"s"}}"#)
    }

    @Test func fieldsAreWrittenInFieldNumberOrder() throws {
        #expect(
            try S.encode(#"{"custom":"c","payload":{"fBool":true}}"#, "test.v1.Nested")
                == JSONFixture.bytes("0a 02 40 01 1a 01 63"))
    }

    @Test func emitDefaultsIncludesEmptyCollectionsButNotUnsetMessagesOrOneofs() throws {
        let codec = ProtoJSONCodec(options: .init(emitDefaultValues: true))
        #expect(try S.decode([], "test.v1.Oneofs", codec: codec) == #"{"plain":0}"#)
        #expect(
            try S.decode([], "test.v1.Maps", codec: codec)
                == #"{"byName":{},"byId":{},"byFlag":{},"colors":{},"blobs":{}}"#)
        #expect(try S.decode([], "test.v1.Nested", codec: codec) == #"{"custom":""}"#)
    }

    @Test func ignoreUnknownFieldsOption() throws {
        let codec = ProtoJSONCodec(options: .init(ignoreUnknownFields: true))
        let bytes = try codec.encode(
            JSONValue(parsing: #"{"nope":1,"fInt32":2,"fEnum":"PURPLE"}"#), messageType: "test.v1.Scalars",
            pool: JSONFixture.pool)
        #expect(bytes == JSONFixture.bytes("28 02"))
    }

    @Test func deepNestingHitsTheDepthLimit() throws {
        var json = "{}"
        for _ in 0..<120 { json = #"{"child":"# + json + "}" }
        let codec = ProtoJSONCodec(options: .init(maxDepth: 200))
        let value = try JSONParser(maxDepth: 200).parse(json)
        let bytes = try codec.encode(value, messageType: "test.v1.Nested", pool: JSONFixture.pool)
        #expect(try codec.decode(bytes, messageType: "test.v1.Nested", pool: JSONFixture.pool) == value)
        let error = #expect(throws: ProtoJSONError.self) {
            try JSONTestSupport.codec.encode(value, messageType: "test.v1.Nested", pool: JSONFixture.pool)
        }
        #expect(error?.reason == .depthLimitExceeded(100))
        #expect(throws: ProtoJSONError.self) {
            try JSONTestSupport.codec.decode(bytes, messageType: "test.v1.Nested", pool: JSONFixture.pool)
        }
    }

    @Test func leadingDotInTypeNameIsAccepted() throws {
        #expect(try S.encode(#"{"fBool":true}"#, ".test.v1.Scalars") == [0x40, 0x01])
    }
}
