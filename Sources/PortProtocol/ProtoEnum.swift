/// A protobuf enum. Enums are open, as proto3 requires: any `Int32` is a valid value, and numbers the .proto file
/// does not name survive a decode/encode round trip. Generated enums are structs with a static constant per name.
public protocol ProtoEnum: RawRepresentable<Int32>, Sendable, Hashable, CustomStringConvertible {
    /// The value with this number, named or not.
    init(rawValue: Int32)

    /// Fully qualified protobuf name, e.g. "grpc.testing.PayloadType".
    static var protoEnumName: String { get }

    /// The named values, in declaration order (aliases included).
    static var knownValues: [Self] { get }

    /// The name the .proto file gives this number (the first one, for aliases), or nil for an unknown number.
    var protoValueName: String? { get }
}

extension ProtoEnum {
    /// The proto3 default: the value numbered 0.
    public init() { self.init(rawValue: 0) }

    /// The value's protobuf name, or its number when the name is unknown.
    public var description: String { protoValueName ?? String(rawValue) }
}
