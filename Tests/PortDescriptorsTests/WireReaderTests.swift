import PortDescriptors
import Testing

@Suite("WireReader")
struct WireReaderTests {
    @Test("varints of every length", arguments: [
        ([0x00], UInt64(0)), ([0x01], 1), ([0x7F], 127), ([0x80, 0x01], 128), ([0xAC, 0x02], 300),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0x0F], UInt64(UInt32.max)),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], UInt64.max),
    ] as [([UInt8], UInt64)])
    func varints(_ bytes: [UInt8], _ value: UInt64) throws {
        var reader = WireReader(bytes)
        #expect(try reader.readVarint() == value)
        #expect(reader.isAtEnd)
    }

    @Test("a varint longer than ten bytes or overflowing 64 bits is malformed")
    func malformedVarints() {
        var eleven = WireReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        #expect(throws: WireFormatError.malformedVarint) { try eleven.readVarint() }
        var overflow = WireReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02])
        #expect(throws: WireFormatError.malformedVarint) { try overflow.readVarint() }
    }

    @Test("truncated input throws .truncated for every kind of read")
    func truncated() {
        var varint = WireReader([0x80])
        #expect(throws: WireFormatError.truncated) { try varint.readVarint() }
        var empty = WireReader([])
        #expect(throws: WireFormatError.truncated) { try empty.readVarint() }
        var fixed32 = WireReader([1, 2, 3])
        #expect(throws: WireFormatError.truncated) { try fixed32.readFixed32() }
        var fixed64 = WireReader([1, 2, 3, 4, 5, 6, 7])
        #expect(throws: WireFormatError.truncated) { try fixed64.readFixed64() }
        var length = WireReader([0x05, 0x61, 0x62])
        #expect(throws: WireFormatError.truncated) { try length.readBytes() }
        var skipped = WireReader([0x03, 0x61])
        #expect(throws: WireFormatError.truncated) { try skipped.skip(.lengthDelimited) }
    }

    @Test("a range-limited reader stops at the end of its range")
    func range() throws {
        var reader = WireReader([0x01, 0x02, 0x03, 0x04, 0x05], range: 1..<3)
        #expect(try reader.readVarint() == 2)
        #expect(try reader.readVarint() == 3)
        #expect(reader.isAtEnd)
        #expect(throws: WireFormatError.truncated) { try reader.readVarint() }
        var nested = WireReader([0x02, 0x61, 0x62, 0x63], range: 0..<3)
        #expect(try nested.readString() == "ab")
        var tooLong = WireReader([0x03, 0x61, 0x62, 0x63], range: 0..<3)
        #expect(throws: WireFormatError.truncated) { try tooLong.readString() }
    }

    @Test("keys, fixed-width values, bytes and strings")
    func values() throws {
        let varint: [UInt8] = [0x08, 0x96, 0x01]
        let fixed32: [UInt8] = [0x15, 0x01, 0x00, 0x00, 0x80]
        let fixed64: [UInt8] = [0x19, 8, 7, 6, 5, 4, 3, 2, 1]
        let string: [UInt8] = [0x22, 0x03, 0xE6, 0xB8, 0xAF]
        var reader = WireReader(varint + fixed32 + fixed64 + string)
        let (first, firstType) = try reader.readKey()
        #expect(first == 1 && firstType == .varint)
        #expect(try reader.readVarint() == 150)
        #expect(try reader.readKey() == (2, .fixed32))
        #expect(try reader.readFixed32() == 0x8000_0001)
        #expect(try reader.readKey() == (3, .fixed64))
        #expect(try reader.readFixed64() == 0x0102_0304_0506_0708)
        #expect(try reader.readKey() == (4, .lengthDelimited))
        #expect(try reader.readString() == "港")
        #expect(reader.isAtEnd)
    }

    @Test("bad keys and strings")
    func badInput() {
        var wireType7 = WireReader([0x0F])
        #expect(throws: WireFormatError.unknownWireType(7)) { try wireType7.readKey() }
        var fieldZero = WireReader([0x00])
        #expect(throws: WireFormatError.invalidFieldNumber) { try fieldZero.readKey() }
        var tooLarge = WireReader([0xF8, 0xFF, 0xFF, 0xFF, 0x1F])  // field 2^32 - 1
        #expect(throws: WireFormatError.invalidFieldNumber) { try tooLarge.readKey() }
        var notUTF8 = WireReader([0x02, 0xFF, 0xFE])
        #expect(throws: WireFormatError.invalidUTF8) { try notUTF8.readString() }
        var group = WireReader([])
        #expect(throws: WireFormatError.groupsUnsupported) { try group.skip(.startGroup) }
    }

    @Test("every truncation of the embedded descriptor set is rejected or parsed, never a crash")
    func truncatedDescriptorSet() {
        let bytes = EmbeddedDescriptorSetFixture.bytes
        var rejected = 0
        for length in stride(from: 1, to: bytes.count, by: 61) {
            do {
                _ = try DescriptorParser.parseFileDescriptorSet(Array(bytes[..<length]))
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 0)
    }
}
