import NIOCore
import PortProtocol

/// The state of one call on the client: request messages going out, response headers, messages and trailers
/// coming in. Confined to the connection's event loop; the async entry points hop there when needed.
final class ClientStream: @unchecked Sendable {
    var id: Int32 = 0
    let connection: ClientConnectionHandler
    let method: RPCMethod

    // Request side.
    private var pending: ByteBuffer
    private var requestEnded = false
    private var deferred = false
    private var writerWaiter: CheckedContinuation<Void, any Error>?

    // Response side.
    private var deframer: MessageDeframer
    var inTrailers = false
    var httpStatus: Int?
    var sawGRPCContentType = false
    private(set) var initialMetadata = Metadata()
    private(set) var trailingMetadata = Metadata()
    private var grpcStatus: Int?
    private var grpcMessage = ""
    private var statusDetails: [UInt8]?
    private var messages = CircularBuffer<ByteBuffer>(initialCapacity: 1)
    private var queuedBytes = 0
    private var owedWindow = 0
    private var messageWaiter: CheckedContinuation<ByteBuffer?, any Error>?
    private var completionWaiters: [() -> Void] = []
    private var localError: RPCError?
    private(set) var finalError: RPCError??
    var deadlineTimer: Scheduled<Void>?

    private static let highWater = 1 << 20

    init(connection: ClientConnectionHandler, method: RPCMethod, body: ByteBuffer, endRequest: Bool, maxReceiveSize: Int) {
        self.connection = connection
        self.method = method
        self.pending = body
        self.requestEnded = endRequest
        self.deframer = MessageDeframer(maxMessageSize: maxReceiveSize)
    }

    private var eventLoop: any EventLoop { connection.eventLoop }
    var isClosed: Bool { finalError != nil }

    // MARK: - Inbound (event loop, inside nghttp2 callbacks)

    func header(name: String, value: UnsafeRawBufferPointer) {
        switch name {
        case ":status":
            httpStatus = Int(String(decoding: value, as: UTF8.self))
        case "content-type":
            sawGRPCContentType = value.starts(with: "application/grpc".utf8)
        case "grpc-status":
            grpcStatus = Int(String(decoding: value, as: UTF8.self)) ?? StatusCode.unknown.rawValue
        case "grpc-message":
            grpcMessage = PercentEncoding.decode(String(decoding: value, as: UTF8.self))
        case "grpc-status-details-bin":
            statusDetails = Base64.decode(String(decoding: value, as: UTF8.self))
        default:
            if name.hasPrefix(":") { return }
            let entry: MetadataValue =
                name.hasSuffix("-bin")
                ? .binary(Base64.decode(String(decoding: value, as: UTF8.self)) ?? [])
                : .string(String(decoding: value, as: UTF8.self))
            if inTrailers {
                trailingMetadata.add(name, value: entry)
            } else {
                initialMetadata.add(name, value: entry)
            }
        }
    }

    /// The first HEADERS block also ended the stream: it was a trailers-only response.
    func trailersOnlyReceived() {
        trailingMetadata = initialMetadata
    }

    func receive(_ chunk: UnsafeRawBufferPointer) {
        if localError != nil || isClosed {
            connection.session.consume(streamID: id, count: chunk.count)
            return
        }
        if queuedBytes > Self.highWater {
            owedWindow += chunk.count
        } else {
            connection.session.consume(streamID: id, count: chunk.count)
        }
        deframer.append(chunk, allocator: connection.allocator)
        do {
            while let message = try deframer.next() {
                if let waiter = messageWaiter {
                    messageWaiter = nil
                    waiter.resume(returning: message)
                } else {
                    messages.append(message)
                    queuedBytes += message.readableBytes + 5
                }
            }
        } catch {
            fail(error)
        }
    }

    // MARK: - Outbound (event loop)

    func readData(into out: UnsafeMutableRawBufferPointer) -> DataReadResult {
        let count = min(out.count, pending.readableBytes)
        if count > 0 {
            pending.withUnsafeReadableBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending.moveReaderIndex(forwardBy: count)
            if pending.readableBytes == 0 { pending.clear() }
            if pending.readableBytes <= Self.highWater / 2, let waiter = writerWaiter {
                writerWaiter = nil
                waiter.resume()
            }
        }
        if pending.readableBytes == 0 && requestEnded { return .end(count, endStream: true) }
        if count == 0 {
            deferred = true
            return .deferred
        }
        return .bytes(count)
    }

    /// Appends a request message (any thread); waits while the server is not keeping up.
    func write<M: ProtoMessage>(_ message: M) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            onLoop { self.write(message, continuation) }
        }
    }

    private func write<M: ProtoMessage>(_ message: M, _ continuation: CheckedContinuation<Void, any Error>) {
        if let finalError {
            return continuation.resume(throwing: finalError ?? RPCError(.cancelled, "the call has already completed"))
        }
        guard !requestEnded else {
            return continuation.resume(throwing: RPCError(.internal, "write after the request stream was finished"))
        }
        appendFramedMessage(message, to: &pending)
        resumeIfDeferred()
        connection.scheduleFlush()
        if pending.readableBytes > Self.highWater {
            writerWaiter = continuation
        } else {
            continuation.resume()
        }
    }

    /// Runs `body` on the event loop: at once when already there.
    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }

    /// Half-closes the request stream (any thread).
    func endRequest() {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.endRequest() }
            return
        }
        guard !requestEnded, !isClosed else { return }
        requestEnded = true
        resumeIfDeferred()
        connection.scheduleFlush()
    }

    private func resumeIfDeferred() {
        if deferred {
            deferred = false
            connection.session.resumeData(streamID: id)
        }
    }

    // MARK: - Results (any thread)

    /// The next response message; nil at the end of an OK stream; throws the call's error (any thread).
    func nextMessage() async throws -> ByteBuffer? {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
            onLoop { self.nextMessage(continuation) }
        }
    }

    private func nextMessage(_ continuation: CheckedContinuation<ByteBuffer?, any Error>) {
        if let message = messages.popFirst() {
            queuedBytes -= message.readableBytes + 5
            if owedWindow > 0, queuedBytes <= Self.highWater, !isClosed {
                connection.session.consume(streamID: id, count: owedWindow)
                owedWindow = 0
                connection.scheduleFlush()
            }
            return continuation.resume(returning: message)
        }
        if let finalError {
            if let error = finalError { return continuation.resume(throwing: error) }
            return continuation.resume(returning: nil)
        }
        messageWaiter = continuation
    }

    /// Waits for completion, then returns the single response message and the metadata (any thread).
    func awaitUnaryResult() async throws -> (ByteBuffer, Metadata, Metadata) {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<(ByteBuffer, Metadata, Metadata), any Error>) in
            onLoop {
                if self.isClosed {
                    continuation.resume(with: Result { try self.unaryResult() })
                } else {
                    self.completionWaiters.append { continuation.resume(with: Result { try self.unaryResult() }) }
                }
            }
        }
    }

    /// Response metadata once the headers (or the whole call) arrived (any thread).
    func metadata() async -> (initial: Metadata, trailing: Metadata) {
        if !eventLoop.inEventLoop {
            return (try? await eventLoop.submit { (self.initialMetadata, self.trailingMetadata) }.get()) ?? (Metadata(), Metadata())
        }
        return (initialMetadata, trailingMetadata)
    }

    /// Cancels the call if it is still running (any thread).
    func cancel(_ reason: String = "cancelled by the client") {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.cancel(reason) }
            return
        }
        fail(RPCError(.cancelled, reason))
    }

    /// The unary result: exactly one message and an OK status (event loop, after completion).
    private func unaryResult() throws -> (ByteBuffer, Metadata, Metadata) {
        guard let outcome = finalError else { throw RPCError(.internal, "the call has not completed") }
        if let error = outcome { throw error }
        guard messages.count == 1, let message = messages.first else {
            throw RPCError(.unimplemented, "\(method) must answer with exactly one message, received \(messages.count)")
        }
        return (message, initialMetadata, trailingMetadata)
    }

    // MARK: - Termination (event loop)

    /// Ends the call locally (cancellation, deadline, bad response): resets the stream if it is open.
    func fail(_ error: RPCError) {
        guard !isClosed, localError == nil else { return }
        localError = error
        if id > 0 { connection.session.resetStream(id, code: .cancel) }
        connection.scheduleFlush()
        complete(with: error)
    }

    func expireDeadline() {
        deadlineTimer = nil
        fail(.deadlineExceeded)
    }

    /// nghttp2 closed the stream.
    func closed(errorCode: UInt32) {
        if isClosed { return }
        complete(with: localError ?? statusFromResponse(errorCode: errorCode))
    }

    /// The connection went away before the stream completed.
    func connectionLost(_ reason: String) {
        complete(with: RPCError(.unavailable, reason))
    }

    private func statusFromResponse(errorCode: UInt32) -> RPCError? {
        if let grpcStatus {
            if grpcStatus == 0 { return nil }
            return RPCError(StatusCode(rawValue: grpcStatus), grpcMessage, trailingMetadata: trailingMetadata, details: statusDetails)
        }
        if let httpStatus, httpStatus != 200 {
            return RPCError(StatusCode.fromHTTPStatus(httpStatus), "HTTP status \(httpStatus) without grpc-status")
        }
        if errorCode != 0 {
            let code = HTTP2ErrorCode(rawValue: errorCode)
            return RPCError(code.grpcStatus, "stream reset by the server (HTTP/2 error \(errorCode))")
        }
        return RPCError(.internal, "the server closed the stream without a grpc-status")
    }

    private func complete(with error: RPCError?) {
        guard finalError == nil else { return }
        finalError = .some(error)
        deadlineTimer?.cancel()
        deadlineTimer = nil
        if let waiter = messageWaiter {
            messageWaiter = nil
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
        if let waiter = writerWaiter {
            writerWaiter = nil
            waiter.resume(throwing: error ?? RPCError(.cancelled, "the call has already completed"))
        }
        let waiters = completionWaiters
        completionWaiters = []
        for waiter in waiters { waiter() }
        if owedWindow > 0 {
            connection.session.consumeConnection(count: owedWindow)
            owedWindow = 0
        }
    }
}
