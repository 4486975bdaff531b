internal import CPortProtocol

/// A generated message that converts to and from its protoc-c C struct. Generated code supplies the field lists
/// (`store`, `init(loading:)`); ``CBridge`` does the arena bookkeeping and calls protobuf-c.
protocol CBridgedMessage: ProtoMessage {
    /// The protoc-c struct, e.g. `Grpc__Testing__SimpleRequest`.
    associatedtype CMessage

    /// The protoc-c message descriptor (`grpc__testing__simple_request__descriptor`).
    static var cDescriptor: UnsafePointer<ProtobufCMessageDescriptor> { get }

    /// Sets `message` to the proto3 defaults (`grpc__testing__simple_request__init`).
    static func cInitialize(_ message: UnsafeMutablePointer<CMessage>)

    /// Writes every field into an initialized C struct; strings, bytes, arrays and sub-messages go into the arena.
    func store(into message: UnsafeMutablePointer<CMessage>)

    /// Copies every field out of an unpacked C struct.
    init(loading message: UnsafePointer<CMessage>) throws(ProtoDecodingError)
}

/// Encoding and decoding of ``CBridgedMessage``s through protobuf-c, with all temporary C memory in the
/// thread-local arena (`cp_arena.h`), released before returning.
enum CBridge {
    /// Builds the C struct in the arena, measures it, and lets `body` pack it into its own buffer.
    @inline(__always)
    static func encode<Message: CBridgedMessage, Result>(
        _ message: Message,
        _ body: (_ size: Int, _ write: (UnsafeMutableRawBufferPointer) -> Void) throws -> Result
    ) rethrows -> Result {
        let mark = cp_arena_mark()
        defer { cp_arena_release(mark) }
        let cMessage = CArena.message(message)
        let base = UnsafeRawPointer(cMessage).assumingMemoryBound(to: ProtobufCMessage.self)
        let size = protobuf_c_message_get_packed_size(base)
        return try body(size) { buffer in
            precondition(buffer.count >= size, "ProtoMessage.encode: the buffer is smaller than the encoded size")
            guard size > 0, let out = buffer.baseAddress else { return }
            let written = protobuf_c_message_pack(base, out.assumingMemoryBound(to: UInt8.self))
            assert(written == size, "protobuf-c packed a different size than it measured")
        }
    }

    /// Unpacks `bytes` into the arena with protobuf-c and copies the result into Swift values.
    @inline(__always)
    static func decode<Message: CBridgedMessage>(
        _ bytes: UnsafeRawBufferPointer
    ) throws(ProtoDecodingError) -> Message {
        let mark = cp_arena_mark()
        defer { cp_arena_release(mark) }
        guard
            let unpacked = protobuf_c_message_unpack(
                Message.cDescriptor, cp_arena_protobuf_allocator(), bytes.count,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self))
        else {
            throw ProtoDecodingError(messageName: Message.protoMessageName, reason: "malformed protobuf")
        }
        return try Message(loading: UnsafeRawPointer(unpacked).assumingMemoryBound(to: Message.CMessage.self))
    }
}
