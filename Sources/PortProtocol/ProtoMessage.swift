/// A protobuf message: a value type with the protobuf binary encoding.
///
/// Generated messages implement the requirements by converting to and from the protoc-c C structs of the
/// `CPortProtocol` module; ``RawProtoMessage`` carries bytes that are already encoded.
public protocol ProtoMessage: Sendable, Hashable {
    /// A message with every field at its proto3 default.
    init()

    /// Fully qualified protobuf name, e.g. "grpc.testing.SimpleRequest".
    static var protoMessageName: String { get }

    /// Encodes once: `body` gets the exact encoded size and a function that writes exactly that many bytes into a
    /// buffer of at least that size (only callable inside `body`).
    func encode<R>(_ body: (_ size: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws -> R) rethrows -> R

    /// Decodes from the wire format; throws on malformed input (never traps).
    init(decoding bytes: UnsafeRawBufferPointer) throws(ProtoDecodingError)
}

extension ProtoMessage {
    /// The message in the protobuf binary encoding.
    public func serializedBytes() -> [UInt8] {
        encode { size, write in
            [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                write(UnsafeMutableRawBufferPointer(buffer))
                initializedCount = size
            }
        }
    }

    /// Decodes a message from the protobuf binary encoding; throws on malformed input.
    public init(serializedBytes bytes: [UInt8]) throws(ProtoDecodingError) {
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtoDecodingError) -> Self in try Self(decoding: raw) }
        }
        self = try decoded.get()
    }
}
