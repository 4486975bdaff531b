/// A reader of the protobuf binary wire format over a byte array: varints, fixed-width values and length-delimited
/// fields. It never traps on malformed input; every read that runs past the end throws ``WireFormatError``.
public struct WireReader: Sendable {
    /// The bytes being read.
    public let bytes: [UInt8]
    /// The index of the next byte to read.
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.offset = 0
        self.end = bytes.count
    }

    /// A reader of `bytes[range]`.
    public init(_ bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.offset = range.lowerBound
        self.end = range.upperBound
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= end }

    /// Reads a base-128 varint of at most 10 bytes.
    public mutating func readVarint() throws(WireFormatError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < end else { throw .truncated }
            let byte = bytes[offset]
            offset += 1
            if shift == 63 && byte > 1 { throw .malformedVarint }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw .malformedVarint }
        }
    }

    /// Reads a field key and splits it into field number and wire type.
    public mutating func readKey() throws(WireFormatError) -> (fieldNumber: Int, wireType: WireType) {
        let key = try readVarint()
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else { throw .unknownWireType(UInt8(key & 7)) }
        let number = key >> 3
        guard number >= 1, number <= 536_870_911 else { throw .invalidFieldNumber }
        return (Int(number), wireType)
    }

    /// Reads a little-endian 32-bit value.
    public mutating func readFixed32() throws(WireFormatError) -> UInt32 {
        guard end - offset >= 4 else { throw .truncated }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
        offset += 4
        return value
    }

    /// Reads a little-endian 64-bit value.
    public mutating func readFixed64() throws(WireFormatError) -> UInt64 {
        guard end - offset >= 8 else { throw .truncated }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return value
    }

    /// Reads a length prefix and returns the range of the bytes it covers, advancing past them.
    public mutating func readLengthDelimitedRange() throws(WireFormatError) -> Range<Int> {
        let length = try readVarint()
        guard length <= UInt64(end - offset) else { throw .truncated }
        let start = offset
        offset += Int(length)
        return start..<offset
    }

    /// Reads a length-delimited field as bytes.
    public mutating func readBytes() throws(WireFormatError) -> [UInt8] {
        Array(bytes[try readLengthDelimitedRange()])
    }

    /// Reads a length-delimited field as UTF-8 text.
    public mutating func readString() throws(WireFormatError) -> String {
        let range = try readLengthDelimitedRange()
        guard let text = String(validating: bytes[range], as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// Skips one field of the given wire type.
    public mutating func skip(_ wireType: WireType) throws(WireFormatError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimitedRange()
        case .fixed32: _ = try readFixed32()
        case .startGroup, .endGroup: throw .groupsUnsupported
        }
    }
}

/// The six protobuf wire types.
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// Why bytes could not be read as protobuf.
public enum WireFormatError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated
    case malformedVarint
    case unknownWireType(UInt8)
    case invalidFieldNumber
    case invalidUTF8
    case groupsUnsupported

    public var description: String {
        switch self {
        case .truncated: "the message ends in the middle of a field"
        case .malformedVarint: "a varint is longer than 10 bytes"
        case .unknownWireType(let t): "unknown wire type \(t)"
        case .invalidFieldNumber: "a field number is out of range"
        case .invalidUTF8: "a string field is not valid UTF-8"
        case .groupsUnsupported: "groups are not supported"
        }
    }
}
