import NIOCore

/// Moves nghttp2's output to the socket: everything ready goes out in one write and one flush, the buffer is
/// reused across flushes, and a flush re-entered from inside NIO's write (a writability change) only asks the
/// running flush to loop once more, so no byte is written twice.
final class ConnectionOutput {
    private var buffer: ByteBuffer
    private var isFlushing = false
    private var again = false

    /// Output above which one flush pass stops pulling frames (the rest follows in the next pass).
    static let writeLimit = 1 << 20

    init(allocator: ByteBufferAllocator) {
        buffer = allocator.buffer(capacity: 16 << 10)
    }

    /// Writes what the session has ready; false when the session reported a fatal error.
    func flush(_ session: NGHTTP2Session, to context: ChannelHandlerContext) -> Bool {
        if isFlushing {
            again = true
            return true
        }
        isFlushing = true
        defer { isFlushing = false }
        var healthy = true
        repeat {
            again = false
            while context.channel.isWritable {
                if !session.send(into: &buffer, limit: Self.writeLimit) { healthy = false }
                if buffer.readableBytes == 0 { break }
                // Once NIO has written the bytes it drops its reference, so clearing reuses the storage.
                context.writeAndFlush(NIOAny(buffer), promise: nil)
                buffer.clear()
                if !healthy || !session.wantsWrite { break }
            }
        } while again && healthy
        return healthy
    }

    /// Anything still buffered (written before a close).
    func takeRemaining() -> ByteBuffer? {
        guard buffer.readableBytes > 0 else { return nil }
        defer { buffer.clear() }
        return buffer
    }
}
