import NIOCore

/// Reassembles length-prefixed gRPC messages from DATA payload of arbitrary chunking: a 5-byte prefix may be split
/// across frames and one frame may carry many messages. Messages come out as slices (no copy).
struct MessageDeframer {
    private var buffer: ByteBuffer?
    let maxMessageSize: Int

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// Appends received bytes.
    mutating func append(_ chunk: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) {
        if buffer == nil { buffer = allocator.buffer(capacity: chunk.count) }
        buffer!.writeBytes(chunk)
    }

    /// The next complete message, nil when more bytes are needed; throws for a message over the size limit or a
    /// prefix this runtime cannot read (compression is not supported).
    mutating func next() throws(RPCError) -> ByteBuffer? {
        guard var current = buffer, current.readableBytes >= 5 else { return nil }
        let flag = current.getInteger(at: current.readerIndex, as: UInt8.self)!
        let length = Int(current.getInteger(at: current.readerIndex + 1, as: UInt32.self)!)
        if flag == 1 {
            throw RPCError(.unimplemented, "compressed messages are not supported (no grpc-encoding was negotiated)")
        }
        if flag != 0 { throw RPCError(.internal, "invalid compressed-flag byte \(flag) in a message prefix") }
        if length > maxMessageSize {
            throw RPCError(.resourceExhausted, "received message larger than max (\(length) vs. \(maxMessageSize) bytes)")
        }
        guard current.readableBytes >= 5 + length else { return nil }
        current.moveReaderIndex(forwardBy: 5)
        let message = current.readSlice(length: length)!
        buffer = current.readableBytes == 0 ? nil : current
        return message
    }

    /// Bytes of an incomplete message still buffered (non-zero at end of stream means truncation).
    var partialBytes: Int { buffer?.readableBytes ?? 0 }

    /// Drops everything buffered.
    mutating func reset() { buffer = nil }
}
