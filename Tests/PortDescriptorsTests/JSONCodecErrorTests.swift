import PortDescriptors
import Testing

@Suite struct JSONCodecErrorTests {
    typealias S = JSONTestSupport

    @Test(arguments: [
        (#"{"payload":{"fBytes":5}}"#, "payload.fBytes: expected base64 string, got number"),
        (#"{"payload":{"fBytes":"@@"}}"#, #"payload.fBytes: expected base64 string, got "@@""#),
        (#"{"nope":1}"#, #"unknown field "nope" in message test.v1.Nested"#),
        (#"{"child":{"child":{"oops":true}}}"#, #"child.child: unknown field "oops" in message test.v1.Nested"#),
        (#"{"payload":{"fInt32":2147483648}}"#, "payload.fInt32: value 2147483648 is out of range for int32"),
        (#"{"payload":{"fInt32":1.5}}"#, "payload.fInt32: expected int32, got non-integer 1.5"),
        (#"{"payload":{"fInt32":"abc"}}"#, #"payload.fInt32: expected int32, got "abc""#),
        (#"{"payload":{"fInt32":" 1"}}"#, #"payload.fInt32: expected int32, got " 1""#),
        (#"{"payload":{"fInt32":true}}"#, "payload.fInt32: expected int32 (number or decimal string), got boolean"),
        (#"{"payload":{"fUint32":-1}}"#, "payload.fUint32: value -1 is out of range for uint32"),
        (
            #"{"payload":{"fUint64":"18446744073709551616"}}"#,
            "payload.fUint64: value 18446744073709551616 is out of range for uint64"
        ),
        (
            #"{"payload":{"fInt64":"-9223372036854775809"}}"#,
            "payload.fInt64: value -9223372036854775809 is out of range for int64"
        ),
        (#"{"payload":{"fFloat":1e39}}"#, "payload.fFloat: value 1e39 is out of range for float"),
        (#"{"payload":{"fDouble":"1e999"}}"#, "payload.fDouble: value 1e999 is out of range for double"),
        (#"{"payload":{"fDouble":"nan"}}"#, #"payload.fDouble: expected double, got "nan""#),
        (#"{"payload":{"fBool":"true"}}"#, "payload.fBool: expected boolean, got string"),
        (#"{"payload":{"fString":1}}"#, "payload.fString: expected string, got number"),
        (
            #"{"payload":{"fEnum":"BLUE"}}"#,
            #"payload.fEnum: unknown value "BLUE" for enum test.v1.Color (known: COLOR_UNSPECIFIED, RED, GREEN)"#
        ),
        (#"{"payload":{"fEnum":true}}"#, "payload.fEnum: expected enum name or number for test.v1.Color, got boolean"),
        (#"{"payload":[]}"#, "payload: expected object for message test.v1.Scalars, got array"),
        (
            #"{"custom":"a","json_named":"b"}"#,
            #"field json_named is given more than once (as "custom" and "json_named")"#
        ),
        (
            #"{"inner":{"level":"MEDIUM"}}"#,
            #"inner.level: unknown value "MEDIUM" for enum test.v1.Nested.Level (known: LOW, HIGH)"#
        ),
    ])
    func encodeErrorsNameTheFieldPath(_ json: String, _ expected: String) {
        #expect(S.encodeError(json, "test.v1.Nested") == expected)
    }

    @Test(arguments: [
        (#"{"ints":5}"#, "ints: expected array, got number"),
        (#"{"ints":[1,null]}"#, "ints[1]: null is not allowed in a repeated field"),
        (#"{"ints":[1,"x"]}"#, #"ints[1]: expected int32, got "x""#),
        (#"{"messages":[{},{"fBool":1}]}"#, "messages[1].fBool: expected boolean, got number"),
    ])
    func repeatedErrorsNameTheIndex(_ json: String, _ expected: String) {
        #expect(S.encodeError(json, "test.v1.Repeats") == expected)
    }

    @Test(arguments: [
        (#"{"byName":[]}"#, "byName: expected object (map), got array"),
        (#"{"byName":{"a":"x"}}"#, #"byName["a"]: expected int32, got "x""#),
        (#"{"byId":{"x":"a"}}"#, #"byId["x"]: expected int64, got "x""#),
        (#"{"byFlag":{"yes":{}}}"#, #"byFlag["yes"]: expected map key "true" or "false", got "yes""#),
        (#"{"colors":{"-1":"RED"}}"#, #"colors["-1"]: value -1 is out of range for uint32"#),
        (#"{"byName":{"a":null}}"#, #"byName["a"]: null is not allowed as a map value"#),
    ])
    func mapErrorsNameTheKey(_ json: String, _ expected: String) {
        #expect(S.encodeError(json, "test.v1.Maps") == expected)
    }

    @Test func oneofConflict() {
        #expect(
            S.encodeError(#"{"text":"a","number":1}"#, "test.v1.Oneofs")
                == "fields text and number both set, but they belong to the same oneof choice")
        // A null member does not count as set.
        #expect(S.encodeError(#"{"text":null,"number":1}"#, "test.v1.Oneofs") == nil)
    }

    @Test func unknownMessageType() {
        #expect(S.encodeError("{}", "no.such.Type") == "unknown message type no.such.Type (not in the descriptor pool)")
        #expect(throws: ProtoJSONError(path: "", reason: .unknownType("x.Y"))) {
            try JSONTestSupport.codec.decode([], messageType: "x.Y", pool: JSONFixture.pool)
        }
    }

    @Test func topLevelMustBeAnObject() {
        #expect(S.encodeError("[]", "test.v1.Scalars") == "expected object for message test.v1.Scalars, got array")
    }

    @Test func encodingFromTextReportsJSONSyntaxErrors() {
        #expect(throws: ProtoJSONError.self) {
            try JSONTestSupport.codec.encode(
                jsonText: "{\n  \"a\": }", messageType: "test.v1.Scalars", pool: JSONFixture.pool)
        }
        do {
            _ = try JSONTestSupport.codec.encode(
                jsonText: "{\n  \"a\": }", messageType: "test.v1.Scalars", pool: JSONFixture.pool)
        } catch {
            #expect(error.description == "invalid JSON at line 2, column 8: expected a JSON value but found '}'")
        }
    }

    @Test func errorKindsAreInspectable() {
        do {
            _ = try JSONTestSupport.codec.encode(["x": 1], messageType: "test.v1.Scalars", pool: JSONFixture.pool)
            Issue.record("expected an error")
        } catch {
            #expect(error.reason == .unknownField(name: "x", messageType: "test.v1.Scalars"))
            #expect(error.path == "")
        }
    }
}
