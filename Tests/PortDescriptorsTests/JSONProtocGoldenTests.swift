import Foundation
import PortDescriptors
import Testing

/// Runs /usr/bin/protoc for the golden tests: builds descriptor sets and encodes or decodes text format.
enum Protoc {
    static let path = "/usr/bin/protoc"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }
    static let skipMessage: Comment = "protoc not found at /usr/bin/protoc; install protobuf-compiler to run"

    /// The repository's Protos/ directory, found from this file (following the symlink if the file is one).
    static var protosDirectory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protos")
    }

    static func run(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProtocFailure(message: String(decoding: errors, as: UTF8.self))
        }
        return Array(output)
    }

    struct ProtocFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { "protoc failed: \(message)" }
    }

    static func includeArguments(_ directories: [String]) -> [String] {
        var arguments = directories.map { "-I" + $0 }
        if FileManager.default.fileExists(atPath: "/usr/include/google/protobuf/any.proto") {
            arguments.append("-I/usr/include")
        }
        return arguments
    }

    /// Writes the fixture schema to a temporary directory and returns it.
    static func fixtureDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("cyberport-json-tests-\(UUID().uuidString)")
        let protoDirectory = directory.appendingPathComponent("test/v1")
        try FileManager.default.createDirectory(at: protoDirectory, withIntermediateDirectories: true)
        try JSONFixture.protoSource.write(
            to: protoDirectory.appendingPathComponent("all.proto"), atomically: true, encoding: .utf8)
        return directory.path
    }

    /// A FileDescriptorSet (with imports) of some files.
    static func descriptorSet(_ files: [String], includes: [String]) throws -> [UInt8] {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("set-\(UUID().uuidString).pb")
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try run(includeArguments(includes) + ["--include_imports", "--descriptor_set_out=" + out.path] + files)
        return Array(try Data(contentsOf: out))
    }
}

@Suite(.enabled(if: Protoc.isAvailable, Protoc.skipMessage))
struct JSONProtocGoldenTests {
    let directory: String
    let pool: DescriptorPool

    init() throws {
        directory = try Protoc.fixtureDirectory()
        pool = try DescriptorPool(
            fileDescriptorSet: try Protoc.descriptorSet(["test/v1/all.proto"], includes: [directory]))
    }

    func protocEncode(_ text: String, _ type: String) throws -> [UInt8] {
        try Protoc.run(
            Protoc.includeArguments([directory]) + ["--encode=" + type, "test/v1/all.proto"], input: Array(text.utf8))
    }

    @Test func handBuiltFixtureMatchesProtocDescriptors() throws {
        for message in JSONFixture.file.messages {
            #expect(pool.message(message.fullName) == message, "\(message.fullName)")
        }
        #expect(pool.enumType("test.v1.Color") == JSONFixture.color)
    }

    @Test(arguments: [
        (
            "test.v1.Scalars",
            #"{"fDouble":1.5,"fFloat":-0.25,"fInt64":"-5","fUint64":"18446744073709551615","fInt32":-1,"fFixed64":"7","fFixed32":8,"fBool":true,"fString":"héllo","fBytes":"AP8=","fUint32":9,"fEnum":"GREEN","fSfixed32":-10,"fSfixed64":"-11","fSint32":-12,"fSint64":"-13"}"#,
            #"f_double: 1.5 f_float: -0.25 f_int64: -5 f_uint64: 18446744073709551615 f_int32: -1 f_fixed64: 7 f_fixed32: 8 f_bool: true f_string: "h\303\251llo" f_bytes: "\000\377" f_uint32: 9 f_enum: GREEN f_sfixed32: -10 f_sfixed64: -11 f_sint32: -12 f_sint64: -13"#
        ),
        (
            "test.v1.Repeats",
            #"{"ints":[1,-2,300],"strings":["a","b"],"colors":["RED","GREEN"],"messages":[{"fInt32":1},{}],"doubles":[0.5],"unpackedSints":["-1","2"],"bools":[true,false],"blobs":["AQ=="]}"#,
            #"ints: [1, -2, 300] strings: ["a", "b"] colors: [RED, GREEN] messages { f_int32: 1 } messages { } doubles: 0.5 unpacked_sints: [-1, 2] bools: [true, false] blobs: "\001""#
        ),
        (
            "test.v1.Maps",
            #"{"byName":{"a":1,"b":0},"byId":{"-5":"x"},"byFlag":{"true":{"fBool":true}},"colors":{"3":"RED"},"blobs":{"-2":"AQI="}}"#,
            #"by_name { key: "a" value: 1 } by_name { key: "b" value: 0 } by_id { key: -5 value: "x" } by_flag { key: true value { f_bool: true } } colors { key: 3 value: RED } blobs { key: -2 value: "\001\002" }"#
        ),
        ("test.v1.Oneofs", #"{"nested":{"fString":"n"},"maybe":0}"#, #"nested { f_string: "n" } maybe: 0"#),
        (
            "test.v1.Nested",
            #"{"payload":{"fInt64":"1"},"child":{"custom":"c"},"custom":"top","inner":{"level":"HIGH"}}"#,
            #"payload { f_int64: 1 } child { json_named: "c" } json_named: "top" inner { level: HIGH }"#
        ),
        (
            "test.v1.WellKnown",
            #"{"ts":"1972-01-01T10:00:20.021Z","dur":"-1.500s","mask":"fooBar,x.yZ","st":{"k":[1,"s",null,true,{}]},"val":"v","list":[2],"empty":{},"any":{"@type":"type.googleapis.com/test.v1.Scalars","fInt32":5},"i32":0,"i64":"-3","u32":4,"u64":"5","flt":1.5,"dbl":2.5,"bln":true,"str":"s","byt":"AQ=="}"#,
            #"ts { seconds: 63108020 nanos: 21000000 } dur { seconds: -1 nanos: -500000000 } mask { paths: "foo_bar" paths: "x.y_z" } st { fields { key: "k" value { list_value { values { number_value: 1 } values { string_value: "s" } values { null_value: NULL_VALUE } values { bool_value: true } values { struct_value { } } } } } } val { string_value: "v" } list { values { number_value: 2 } } empty { } any { [type.googleapis.com/test.v1.Scalars] { f_int32: 5 } } i32 { } i64 { value: -3 } u32 { value: 4 } u64 { value: 5 } flt { value: 1.5 } dbl { value: 2.5 } bln { value: true } str { value: "s" } byt { value: "\001" }"#
        ),
    ])
    func encodingMatchesProtocAndDecodesBack(_ type: String, _ json: String, _ textFormat: String) throws {
        let golden = try protocEncode(textFormat, type)
        let ours = try ProtoJSONCodec().encode(JSONValue(parsing: json), messageType: type, pool: pool)
        #expect(JSONFixture.hex(ours) == JSONFixture.hex(golden))
        #expect(try ProtoJSONCodec().decode(golden, messageType: type, pool: pool).compactText == json)
    }

    @Test func decodeRawShowsTheExpectedFields() throws {
        let bytes = try ProtoJSONCodec().encode(
            JSONValue(parsing: #"{"payload":{"fSint32":-2,"fString":"a"},"custom":"b"}"#),
            messageType: "test.v1.Nested",
            pool: pool)
        let raw = String(decoding: try Protoc.run(["--decode_raw"], input: bytes), as: UTF8.self)
        #expect(raw == "1 {\n  9: \"a\"\n  15: 3\n}\n3: \"b\"\n")
    }

    @Test func projectProtosEncodeLikeProtoc() throws {
        let protos = Protoc.protosDirectory.path
        guard FileManager.default.fileExists(atPath: protos + "/grpc/testing/messages.proto") else { return }
        let set = try Protoc.descriptorSet(
            ["grpc/testing/messages.proto", "grpc/reflection/v1/reflection.proto", "cyberport/deals/v1/deals.proto"],
            includes: [protos])
        let projectPool = try DescriptorPool(fileDescriptorSet: set)
        let cases = [
            (
                "grpc.testing.SimpleRequest",
                #"{"responseSize":314159,"payload":{"body":"AAAA"},"fillUsername":true,"responseCompressed":{"value":true}}"#,
                #"response_size: 314159 payload { body: "\000\000\000" } fill_username: true response_compressed { value: true }"#,
                "grpc/testing/messages.proto"
            ),
            (
                "grpc.reflection.v1.ServerReflectionRequest", #"{"host":"h","fileContainingSymbol":"a.B"}"#,
                #"host: "h" file_containing_symbol: "a.B""#, "grpc/reflection/v1/reflection.proto"
            ),
            (
                "cyberport.deals.v1.FormDefinition",
                #"{"name":"formDefinitions/UL040","code":"UL040","displayNameJa":"輸出","directions":["EXPORT","IMPORT"]}"#,
                #"name: "formDefinitions/UL040" code: "UL040" display_name_ja: "輸出" directions: [EXPORT, IMPORT]"#,
                "cyberport/deals/v1/deals.proto"
            ),
        ]
        for (type, json, text, file) in cases {
            let golden = try Protoc.run(
                Protoc.includeArguments([protos]) + ["--encode=" + type, file], input: Array(text.utf8))
            let ours = try ProtoJSONCodec().encode(JSONValue(parsing: json), messageType: type, pool: projectPool)
            #expect(JSONFixture.hex(ours) == JSONFixture.hex(golden), "\(type)")
            #expect(try ProtoJSONCodec().decode(golden, messageType: type, pool: projectPool).compactText == json)
        }
    }
}
