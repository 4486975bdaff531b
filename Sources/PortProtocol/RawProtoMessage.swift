/// Raw already-encoded bytes usable wherever a ``ProtoMessage`` is expected (the CLI sends JSON-transcoded bytes
/// this way). Encoding writes the bytes unchanged; decoding keeps the input unchanged (nothing is validated).
public struct RawProtoMessage: ProtoMessage {
    /// The encoded message.
    public var bytes: [UInt8]

    public init() { bytes = [] }

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public static var protoMessageName: String { "RawProtoMessage" }

    public func encode<R>(
        _ body: (_ size: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws -> R
    ) rethrows -> R {
        try body(bytes.count) { buffer in
            precondition(buffer.count >= bytes.count, "RawProtoMessage.encode: buffer smaller than the message")
            bytes.withUnsafeBytes { source in
                guard let sourceAddress = source.baseAddress, let target = buffer.baseAddress else { return }
                target.copyMemory(from: sourceAddress, byteCount: source.count)
            }
        }
    }

    public init(decoding bytes: UnsafeRawBufferPointer) throws(ProtoDecodingError) {
        self.bytes = Array(bytes)
    }
}
