import NIOCore
import PortProtocol

/// The requests of a client- or bidirectional-streaming call, in order. Iterate it once; the loop ends when the
/// client half-closes and throws when the call is cancelled or a request cannot be decoded.
public struct ServerRequestStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    let stream: ServerStream

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ServerStream

        public mutating func next() async throws -> Message? {
            guard let buffer = try await stream.nextRequestMessage() else { return nil }
            return try decodeMessage(Message.self, from: buffer)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }
}

/// Sends the responses of a server- or bidirectional-streaming call. `write` suspends while the client is not
/// reading fast enough (flow control), so a large stream is never buffered whole.
public struct ServerResponseWriter<Message: ProtoMessage>: Sendable {
    let stream: ServerStream

    /// Sends one response message; throws when the call has ended (cancelled, reset or past its deadline).
    public func write(_ message: Message) async throws {
        try await stream.write(message)
    }
}

/// Decodes a message from a buffer holding exactly its bytes; failures become INTERNAL.
func decodeMessage<M: ProtoMessage>(_ type: M.Type, from buffer: ByteBuffer) throws -> M {
    do {
        return try buffer.withUnsafeReadableBytes { bytes throws(ProtoDecodingError) in try M(decoding: bytes) }
    } catch {
        throw RPCError(.internal, "could not decode \(M.protoMessageName): \(error.reason)")
    }
}

/// Appends one length-prefixed gRPC message to `buffer`, encoding straight into it.
func appendFramedMessage<M: ProtoMessage>(_ message: M, to buffer: inout ByteBuffer) {
    message.encode { size, write in
        buffer.reserveCapacity(minimumWritableBytes: 5 + size)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(truncatingIfNeeded: size))
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { out in
            write(UnsafeMutableRawBufferPointer(rebasing: out[0..<size]))
            return size
        }
    }
}
