import PortDescriptors
import Testing

@Suite struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

    func parseError(_ text: String, maxDepth: Int = 100) -> JSONParseError? {
        do {
            _ = try JSONParser(maxDepth: maxDepth).parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse(" true ") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse(#""a""#) == .string("a"))
        #expect(try parse("-0") == .number("-0"))
    }

    @Test func numbersKeepTheirLiteralText() throws {
        for literal in [
            "0", "-12", "18446744073709551615", "123456789012345678901234567890", "1.5e-300", "2E+8", "0.000",
        ] {
            #expect(try parse(literal) == .number(literal))
        }
    }

    @Test func objectsKeepMemberOrder() throws {
        let value = try parse(#"{"z":1,"a":[true,null],"m":{}}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m"])
        #expect(value["a"] == [true, nil])
        #expect(value["m"] == .object(JSONObject()))
        #expect(value["missing"] == nil)
    }

    @Test func stringEscapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""\u00e9\u2603""#) == .string("é☃"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"日本語 😀\"") == .string("日本語 😀"))
    }

    @Test(arguments: [
        ("", 1, 1, "expected a JSON value but the input is empty"),
        ("{", 1, 2, "expected a string key in object but found end of input"),
        ("[1,]", 1, 4, "expected a JSON value but found ']'"),
        (#"{"a":1,}"#, 1, 8, "expected a string key in object but found '}'"),
        (#"{"a" 1}"#, 1, 6, "expected ':' after object key but found '1'"),
        ("[1 2]", 1, 4, "expected ',' or ']' in array but found '2'"),
        ("01", 1, 2, "leading zeros are not allowed in numbers"),
        ("+1", 1, 1, "expected a JSON value but found '+'"),
        (".5", 1, 1, "expected a JSON value but found '.'"),
        ("1.", 1, 3, "expected a digit after '.'"),
        ("1e", 1, 3, "expected a digit in exponent"),
        ("-", 1, 2, "expected a digit in number"),
        ("nul", 1, 1, "invalid literal; expected 'null'"),
        ("truex", 1, 1, "invalid literal; expected 'true'"),
        ("NaN", 1, 1, "expected a JSON value but found 'N'"),
        ("{} x", 1, 4, "unexpected 'x' after the JSON value"),
        (#""abc"#, 1, 1, "unterminated string"),
        ("\"a\u{1}\"", 1, 3, "control character 0x1 must be escaped in a string"),
        (#""\x""#, 1, 2, "invalid escape sequence '\\x'"),
        (#""\u12""#, 1, 2, "\\u must be followed by four hex digits"),
        (#""\ud800""#, 1, 2, "high surrogate \\uD800 is not followed by a low surrogate"),
        (#""\udc00""#, 1, 2, "lone low surrogate \\uDC00"),
        (#"{"a":1,"a":2}"#, 1, 8, #"duplicate key "a" in object"#),
        ("// c\n1", 1, 1, "expected a JSON value but found '/'"),
        ("[\n  1,\n  tru\n]", 3, 3, "invalid literal; expected 'true'"),
        ("{\"é\": x}", 1, 7, "expected a JSON value but found 'x'"),
    ])
    func errorsCarryLineAndColumn(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        let error = parseError(text)
        #expect(error?.message == message, "\(text)")
        #expect(error?.line == line, "\(text)")
        #expect(error?.column == column, "\(text)")
    }

    @Test func invalidUTF8IsRejected() {
        #expect(throws: JSONParseError.self) { try JSONParser().parse([0x22, 0xC3, 0x28, 0x22]) }
    }

    @Test func depthLimit() {
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        #expect(parseError(deep)?.message == "nesting is deeper than the limit of 100")
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(parseError(ok) == nil)
        #expect(parseError(#"{"a":{"b":1}}"#, maxDepth: 1)?.message == "nesting is deeper than the limit of 1")
    }

    @Test func errorDescription() {
        #expect(
            parseError("[1,\n x]")?.description
                == "invalid JSON at line 2, column 2: expected a JSON value but found 'x'")
    }

    @Test func sequencesOfValues() throws {
        let values = try JSONParser().parseSequence("{\"a\":1}\n{\"a\":2}\n\n[3] 4 \"five\"{}")
        #expect(values == [["a": 1], ["a": 2], [3], 4, "five", [:]])
        #expect(try JSONParser().parseSequence("  \n ") == [])
        #expect(throws: JSONParseError.self) { try JSONParser().parseSequence("{\"a\":1}\n{\"a\":") }
    }

    @Test func literalsBuildValues() {
        let value: JSONValue = ["n": nil, "b": true, "i": 3, "d": 0.5, "s": "x", "a": [1, 2]]
        #expect(value["i"] == .number("3"))
        #expect(value["d"] == .number("0.5"))
        #expect(JSONValue(Int64.min) == .number("-9223372036854775808"))
        #expect(JSONValue(UInt64.max) == .number("18446744073709551615"))
        #expect(JSONValue(Double.nan) == .null)
        #expect(JSONValue(2.0) == .number("2"))
    }

    @Test func objectSubscriptSetter() {
        var object: JSONObject = ["a": 1, "b": 2]
        object["a"] = 10
        object["c"] = 3
        object["b"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["a"] == 10)
    }
}
