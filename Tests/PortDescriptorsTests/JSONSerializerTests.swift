import PortDescriptors
import Testing

@Suite struct JSONSerializerTests {
    let sample: JSONValue = ["name": "x", "list": [1, true, nil], "empty": [:], "none": [], "nested": ["a": "b"]]

    @Test func compact() {
        #expect(sample.compactText == #"{"name":"x","list":[1,true,null],"empty":{},"none":[],"nested":{"a":"b"}}"#)
    }

    @Test func pretty() {
        #expect(
            sample.prettyText == """
                {
                  "name": "x",
                  "list": [
                    1,
                    true,
                    null
                  ],
                  "empty": {},
                  "none": [],
                  "nested": {
                    "a": "b"
                  }
                }
                """)
        #expect(JSONSerializer(style: .pretty(indent: 4)).string([1]) == "[\n    1\n]")
    }

    @Test func escaping() {
        let value: JSONValue = .string("q\" b\\ n\n r\r t\t \u{1} \u{7F} é ☃ 😀 </script>")
        #expect(value.compactText == #""q\" b\\ n\n r\r t\t \u0001 \u007f é ☃ 😀 </script>""#)
        #expect(JSONValue.string("\u{8}\u{C}").compactText == #""\b\f""#)
    }

    @Test func keysAreEscapedToo() {
        #expect(JSONValue.object(["a\"b": 1]).compactText == #"{"a\"b":1}"#)
    }

    @Test func roundTripThroughTheParser() throws {
        let text = #"{"s":"\u0000\n😀","n":-1.25e-7,"big":123456789012345678901234567890,"a":[[],{},[{"x":null}]]}"#
        let value = try JSONParser().parse(text)
        #expect(try JSONParser().parse(value.compactText) == value)
        #expect(try JSONParser().parse(value.prettyText) == value)
        #expect(JSONSerializer().bytes(value) == Array(value.compactText.utf8))
    }
}
