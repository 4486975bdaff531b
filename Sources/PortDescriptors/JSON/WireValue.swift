/// One encoded scalar value, before a field key is put in front of it.
enum WireValue: Equatable {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case lengthDelimited([UInt8])

    /// Whether this is the proto3 default (zero bits or empty), which implicit-presence fields do not serialize.
    var isDefault: Bool {
        switch self {
        case .varint(let v): v == 0
        case .fixed32(let v): v == 0
        case .fixed64(let v): v == 0
        case .lengthDelimited(let b): b.isEmpty
        }
    }

    var wireType: WireType {
        switch self {
        case .varint: .varint
        case .fixed32: .fixed32
        case .fixed64: .fixed64
        case .lengthDelimited: .lengthDelimited
        }
    }

    /// Appends the value without a key (as inside a packed array).
    func writePayload(to out: inout WireOutput) {
        switch self {
        case .varint(let v): out.writeVarint(v)
        case .fixed32(let v): out.writeFixed32(v)
        case .fixed64(let v): out.writeFixed64(v)
        case .lengthDelimited(let b): out.writeLengthDelimited(b)
        }
    }

    /// Appends key and value.
    func write(fieldNumber: Int, to out: inout WireOutput) {
        out.writeKey(fieldNumber, wireType)
        writePayload(to: &out)
    }
}

/// A field value as read from the wire, before it is interpreted by its descriptor.
enum RawWireValue {
    case varint(UInt64)
    case fixed32(UInt32)
    case fixed64(UInt64)
    case lengthDelimited(Range<Int>)

    var wireType: WireType {
        switch self {
        case .varint: .varint
        case .fixed32: .fixed32
        case .fixed64: .fixed64
        case .lengthDelimited: .lengthDelimited
        }
    }

    /// Reads one value of the given wire type; groups are rejected.
    static func read(_ wireType: WireType, from reader: inout WireReader) throws(WireFormatError) -> RawWireValue {
        switch wireType {
        case .varint: return .varint(try reader.readVarint())
        case .fixed32: return .fixed32(try reader.readFixed32())
        case .fixed64: return .fixed64(try reader.readFixed64())
        case .lengthDelimited: return .lengthDelimited(try reader.readLengthDelimitedRange())
        case .startGroup, .endGroup: throw .groupsUnsupported
        }
    }
}
