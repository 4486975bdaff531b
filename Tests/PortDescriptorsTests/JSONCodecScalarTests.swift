import PortDescriptors
import Testing

@Suite struct JSONCodecScalarTests {
    typealias S = JSONTestSupport
    let type = "test.v1.Scalars"

    @Test func allScalarTypesRoundTrip() throws {
        let json = """
            {"fDouble":1.5,"fFloat":0.25,"fInt64":"-9223372036854775808","fUint64":"18446744073709551615",\
            "fInt32":-2147483648,"fFixed64":"18446744073709551615","fFixed32":4294967295,"fBool":true,\
            "fString":"héllo \\"quoted\\" \\u2603","fBytes":"AAEC/w==","fUint32":4294967295,"fEnum":"GREEN",\
            "fSfixed32":-5,"fSfixed64":"-6","fSint32":-7,"fSint64":"-8"}
            """
        #expect(try S.roundTrip(json, type) == json.replacing("\\u2603", with: "☃"))
    }

    @Test func defaultsAreOmittedAndEmptyMessageIsEmptyObject() throws {
        let json = """
            {"fDouble":0,"fFloat":0,"fInt64":"0","fUint64":0,"fInt32":0,"fBool":false,"fString":"","fBytes":"",\
            "fEnum":"COLOR_UNSPECIFIED"}
            """
        #expect(try S.encode(json, type) == [])
        #expect(try S.decode([], type) == "{}")
    }

    @Test func emitDefaultValuesOption() throws {
        let codec = ProtoJSONCodec(options: .init(emitDefaultValues: true))
        let text = try S.decode([], type, codec: codec)
        #expect(
            text == """
                {"fDouble":0,"fFloat":0,"fInt64":"0","fUint64":"0","fInt32":0,"fFixed64":"0","fFixed32":0,\
                "fBool":false,"fString":"","fBytes":"","fUint32":0,"fEnum":"COLOR_UNSPECIFIED","fSfixed32":0,\
                "fSfixed64":"0","fSint32":0,"fSint64":"0"}
                """)
    }

    @Test func protoNamesAndEnumNumbersOptions() throws {
        let codec = ProtoJSONCodec(options: .init(useProtoFieldNames: true, enumsAsIntegers: true))
        let bytes = try S.encode(#"{"f_int32": 3, "fEnum": "RED"}"#, type)
        #expect(try S.decode(bytes, type, codec: codec) == #"{"f_int32":3,"f_enum":1}"#)
    }

    @Test func integersAcceptNumbersStringsAndWholeExponents() throws {
        #expect(
            try S.roundTrip(#"{"fInt32":"42","fInt64":123,"fUint32":1e3,"fUint64":"5.0"}"#, type)
                == #"{"fInt64":"123","fUint64":"5","fInt32":42,"fUint32":1000}"#)
        #expect(try S.roundTrip(#"{"fInt64":"9007199254740993"}"#, type) == #"{"fInt64":"9007199254740993"}"#)
        #expect(try S.roundTrip(#"{"fSint64":-1.0e2}"#, type) == #"{"fSint64":"-100"}"#)
    }

    @Test func negativeInt32IsTenByteVarint() throws {
        #expect(try S.encode(#"{"fInt32": -1}"#, type) == JSONFixture.bytes("28 ff ff ff ff ff ff ff ff ff 01"))
        #expect(try S.encode(#"{"fSint32": -1}"#, type) == JSONFixture.bytes("78 01"))
    }

    @Test func floatsAcceptSpecialStringsAndNumericStrings() throws {
        #expect(
            try S.roundTrip(#"{"fDouble":"NaN","fFloat":"-Infinity"}"#, type)
                == #"{"fDouble":"NaN","fFloat":"-Infinity"}"#)
        #expect(try S.roundTrip(#"{"fDouble":"Infinity"}"#, type) == #"{"fDouble":"Infinity"}"#)
        #expect(try S.roundTrip(#"{"fDouble":"2.5","fFloat":0.1}"#, type) == #"{"fDouble":2.5,"fFloat":0.1}"#)
        #expect(try S.roundTrip(#"{"fDouble":1e300}"#, type) == #"{"fDouble":1e+300}"#)
        #expect(try S.roundTrip(#"{"fDouble":-0.0}"#, type) == #"{"fDouble":-0}"#)
    }

    @Test func doublesKeepFullPrecision() throws {
        #expect(try S.roundTrip(#"{"fDouble":0.1}"#, type) == #"{"fDouble":0.1}"#)
        #expect(try S.roundTrip(#"{"fDouble":3.141592653589793}"#, type) == #"{"fDouble":3.141592653589793}"#)
        #expect(try S.roundTrip(#"{"fDouble":5e-324}"#, type) == #"{"fDouble":5e-324}"#)
    }

    @Test func bytesAcceptUrlSafeAndUnpaddedBase64() throws {
        #expect(try S.roundTrip(#"{"fBytes":"-_8"}"#, type) == #"{"fBytes":"+/8="}"#)
        #expect(try S.roundTrip(#"{"fBytes":"aGk"}"#, type) == #"{"fBytes":"aGk="}"#)
        #expect(try S.encode(#"{"fBytes":"aGVsbG8="}"#, type) == [0x52, 5] + Array("hello".utf8))
    }

    @Test func enumsAcceptNamesAndNumbersAndPrintUnknownNumbers() throws {
        #expect(try S.roundTrip(#"{"fEnum":2}"#, type) == #"{"fEnum":"GREEN"}"#)
        #expect(try S.roundTrip(#"{"fEnum":77}"#, type) == #"{"fEnum":77}"#)
        #expect(try S.roundTrip(#"{"fEnum":-3}"#, type) == #"{"fEnum":-3}"#)
    }

    @Test func protoFieldNamesAreAcceptedOnInput() throws {
        #expect(try S.roundTrip(#"{"f_string":"x","f_bool":true}"#, type) == #"{"fBool":true,"fString":"x"}"#)
    }

    @Test func nullMeansDefault() throws {
        #expect(try S.encode(#"{"fString":null,"fInt32":null}"#, type) == [])
    }

    @Test func nonUTF8StringOnTheWireIsAnError() {
        #expect(throws: ProtoJSONError.self) { try S.decode([0x4A, 1, 0xFF], type) }
    }

    @Test func lastValueWinsAndUnknownFieldsAreSkipped() throws {
        // f_int32 = 1, unknown field 99 (varint), f_int32 = 2, unknown length-delimited field 100.
        let bytes = JSONFixture.bytes("28 01 98 06 07 28 02 a2 06 02 61 62")
        #expect(try S.decode(bytes, type) == #"{"fInt32":2}"#)
    }

    @Test func mismatchedWireTypeIsTreatedAsUnknown() throws {
        // f_int32 (5) sent as fixed32.
        #expect(try S.decode(JSONFixture.bytes("2d 01 00 00 00"), type) == "{}")
    }

    @Test func truncatedInputIsAnError() {
        #expect(throws: ProtoJSONError.self) { try S.decode([0x28], type) }
        #expect(throws: ProtoJSONError.self) { try S.decode([0x4A, 5, 0x61], type) }
    }
}
