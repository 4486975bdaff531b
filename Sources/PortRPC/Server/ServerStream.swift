import Logging
import NIOCore
import PortProtocol
import Synchronization

/// Response metadata a handler sets through its ``ServerContext`` (from any thread).
struct ResponseMetadataState {
    var initial = Metadata()
    var trailing = Metadata()
}

/// The state of one call on the server: request headers and messages coming in, response messages and trailers
/// going out.
///
/// Confinement: every stored property except `responseMetadata` is touched only on the connection's event loop.
/// Methods that handlers reach (`write`, `nextRequestMessage`, `finish`) hop to the loop when called elsewhere.
final class ServerStream: @unchecked Sendable {
    let id: Int32
    let connection: ServerConnectionHandler
    let responseMetadata = Mutex(ResponseMetadataState())

    // MARK: Request side
    var route: ServerMethod?
    var requestMetadata = Metadata()
    var timeoutNanos: Int64?
    var headerBytes = 0
    var rejection: RequestRejection?
    var sawPOST = false
    var sawGRPCContentType = false
    var contentType = ""
    /// The `:path` of a request no route matched (for the UNIMPLEMENTED message).
    var unknownPath = ""
    /// Set when the server resets the stream with NO_ERROR after early trailers (not counted as abuse).
    var politeReset = false
    private var deframer: MessageDeframer
    private var single: ByteBuffer?
    private var queue: CircularBuffer<ByteBuffer>?
    private var queuedBytes = 0
    private var owedWindow = 0
    private var messageCount = 0
    private(set) var requestEnded = false
    private var requestFailure: RPCError?
    private var requestWaiter: CheckedContinuation<ByteBuffer?, any Error>?
    /// Counted against the connection's running-handler limit.
    var admitted = false
    var dispatched = false

    // MARK: Response side
    private var headersSubmitted = false
    private(set) var isFinished = false
    private var pending: ByteBuffer?
    private var trailers: TrailerBlock?
    private var deferred = false
    private var writerWaiter: CheckedContinuation<Void, any Error>?
    var task: Task<Void, Never>?
    var deadlineTimer: Scheduled<Void>?
    private var deadlineExpired = false
    private(set) var isClosed = false

    /// Queued request bytes above which the stream stops returning flow-control credit.
    private static let inboundHighWater = 1 << 20
    /// Buffered response bytes above which `write` waits.
    private static let outboundHighWater = 1 << 20

    init(id: Int32, connection: ServerConnectionHandler) {
        self.id = id
        self.connection = connection
        self.deframer = MessageDeframer(maxMessageSize: connection.configuration.maxReceiveMessageSize)
    }

    private var eventLoop: any EventLoop { connection.eventLoop }
    private var session: NGHTTP2Session { connection.session }

    // MARK: - Request messages (event loop)

    /// Feeds DATA payload; deframes complete messages.
    func receive(_ chunk: UnsafeRawBufferPointer) {
        if isFinished || requestFailure != nil || route == nil {
            session.consume(streamID: id, count: chunk.count)
            return
        }
        if queuedBytes > Self.inboundHighWater {
            owedWindow += chunk.count
        } else {
            session.consume(streamID: id, count: chunk.count)
        }
        deframer.append(chunk, allocator: connection.allocator)
        do {
            while let message = try deframer.next() {
                deliver(message)
                if requestFailure != nil { return }
            }
        } catch {
            failRequest(error)
        }
    }

    private func deliver(_ message: ByteBuffer) {
        messageCount += 1
        guard let route, route.kind.clientStreams else {
            if messageCount == 1 {
                single = message
            } else {
                failRequest(RPCError(.unimplemented, "\(self.route?.method.description ?? "method") expects one request message, received more"))
            }
            return
        }
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(returning: message)
        } else {
            if queue == nil { queue = CircularBuffer(initialCapacity: 4) }
            queue!.append(message)
            queuedBytes += message.readableBytes + 5
        }
    }

    /// The client half-closed. Returns whether the stream is ready for a unary-request dispatch.
    func endOfRequest() {
        requestEnded = true
        if deframer.partialBytes > 0, requestFailure == nil {
            failRequest(RPCError(
                .internal,
                "request ended inside a message (\(deframer.partialBytes) bytes of a truncated length prefix or body)"))
            return
        }
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(returning: nil)
        }
    }

    /// Ends the call with `error` because the request stream is unusable.
    private func failRequest(_ error: RPCError) {
        requestFailure = error
        deframer.reset()
        queue = nil
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(throwing: error)
        }
        finishOnLoop(error: error)
        task?.cancel()
    }

    /// The one request of a unary or server-streaming call (inside the handler task, on the event loop).
    func takeSingleRequest<Req: ProtoMessage>() throws -> Req {
        if let requestFailure { throw requestFailure }
        guard let message = single else {
            throw RPCError(.unimplemented, "\(route?.method.description ?? "method") expects one request message, received none")
        }
        single = nil
        return try decodeMessage(Req.self, from: message)
    }

    /// The next request of a streaming call; nil after the client half-closed (any thread).
    func nextRequestMessage() async throws -> ByteBuffer? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ByteBuffer?, any Error>) in
                if eventLoop.inEventLoop {
                    nextRequestMessage(continuation)
                } else {
                    eventLoop.execute { self.nextRequestMessage(continuation) }
                }
            }
        } onCancel: {
            self.eventLoop.execute {
                if let waiter = self.requestWaiter {
                    self.requestWaiter = nil
                    waiter.resume(throwing: self.endedError())
                }
            }
        }
    }

    private func nextRequestMessage(_ continuation: CheckedContinuation<ByteBuffer?, any Error>) {
        if let requestFailure { return continuation.resume(throwing: requestFailure) }
        if var q = queue, let message = q.popFirst() {
            queue = q
            queuedBytes -= message.readableBytes + 5
            if owedWindow > 0, queuedBytes <= Self.inboundHighWater {
                session.consume(streamID: id, count: owedWindow)
                owedWindow = 0
                connection.scheduleFlush()
            }
            return continuation.resume(returning: message)
        }
        if requestEnded { return continuation.resume(returning: nil) }
        if isClosed || Task.isCancelled { return continuation.resume(throwing: endedError()) }
        requestWaiter = continuation
    }

    // MARK: - Response (event loop unless noted)

    /// Sends one response message (any thread); waits while the client is not keeping up.
    func write<Res: ProtoMessage>(_ message: Res) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if eventLoop.inEventLoop {
                    write(message, continuation)
                } else {
                    eventLoop.execute { self.write(message, continuation) }
                }
            }
        } onCancel: {
            self.eventLoop.execute { self.resumeWriter(throwing: self.endedError()) }
        }
    }

    private func write<Res: ProtoMessage>(_ message: Res, _ continuation: CheckedContinuation<Void, any Error>) {
        if isFinished || isClosed { return continuation.resume(throwing: endedError()) }
        submitHeadersIfNeeded()
        appendFramedMessage(message, to: &pending!)
        resumeIfDeferred()
        connection.scheduleFlush()
        if pending!.readableBytes > Self.outboundHighWater {
            writerWaiter = continuation
        } else {
            continuation.resume()
        }
    }

    /// Ends a call with one response message and OK (any thread).
    func finish<Res: ProtoMessage>(response: Res) {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.finish(response: response) }
            return
        }
        guard !isFinished, !isClosed else { return }
        submitHeadersIfNeeded()
        appendFramedMessage(response, to: &pending!)
        completeResponse(with: makeTrailers(RPCStatus.ok, error: nil))
    }

    /// Ends a call with a status (any thread).
    func finish(status: RPCStatus) {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.finish(status: status) }
            return
        }
        finishOnLoop(status: status, error: nil)
    }

    /// Ends a call with the status a thrown error maps to (any thread).
    func finish(error: any Error) {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.finish(error: error) }
            return
        }
        finishOnLoop(error: error)
    }

    func finishOnLoop(error: any Error) {
        let rpcError: RPCError
        switch error {
        case let e as RPCError:
            rpcError = e
        case is CancellationError:
            rpcError = deadlineExpired ? .deadlineExceeded : RPCError(.cancelled, "call cancelled")
        default:
            connection.logger.warning(
                "handler threw a non-RPC error",
                metadata: ["method": "\(route?.method.description ?? "?")", "error": "\(error)"])
            rpcError = RPCError(.unknown, "handler failed: \(type(of: error))")
        }
        finishOnLoop(status: RPCStatus(code: rpcError.code, message: rpcError.message), error: rpcError)
    }

    private func finishOnLoop(status: RPCStatus, error: RPCError?) {
        guard !isFinished, !isClosed else { return }
        completeResponse(with: makeTrailers(status, error: error))
    }

    private func completeResponse(with block: TrailerBlock) {
        isFinished = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        if !headersSubmitted {
            // Trailers-only: one HEADERS frame with END_STREAM.
            let headers = block.trailersOnlyBlock(initialMetadata: responseMetadata.withLock { $0.initial })
            _ = session.submitResponse(streamID: id, headers: headers, hasBody: false)
            headers.deallocate()
            headersSubmitted = true
        } else {
            trailers = block
            resumeIfDeferred()
        }
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(throwing: endedError())
        }
        connection.scheduleFlush()
    }

    private func makeTrailers(_ status: RPCStatus, error: RPCError?) -> TrailerBlock {
        var trailing = responseMetadata.withLock { $0.trailing }
        if let error {
            for (name, value) in error.trailingMetadata { trailing.add(name, value: value) }
        }
        if status.code == .ok && trailing.isEmpty { return .staticOK }
        return .dynamic(status: status, trailing: trailing, details: error?.details)
    }

    private func submitHeadersIfNeeded() {
        if pending == nil { pending = connection.allocator.buffer(capacity: 256) }
        guard !headersSubmitted else { return }
        headersSubmitted = true
        let initial = responseMetadata.withLock { $0.initial }
        if initial.isEmpty {
            _ = session.submitResponse(streamID: id, headers: StaticHeaders.responseOK, hasBody: true)
        } else {
            var builder = HeaderListBuilder()
            builder.add(":status", "200")
            builder.add("content-type", "application/grpc")
            builder.add(initial)
            let block = builder.build()
            _ = session.submitResponse(streamID: id, headers: block, hasBody: true)
            block.deallocate()
        }
        deferred = false
    }

    private func resumeIfDeferred() {
        if deferred {
            deferred = false
            session.resumeData(streamID: id)
        }
    }

    /// Fills a DATA frame from buffered response bytes (inside nghttp2's send).
    func readData(into out: UnsafeMutableRawBufferPointer) -> DataReadResult {
        var count = 0
        // `pending` is changed in place: a copy would make clear() reallocate its storage.
        if let available = pending?.readableBytes, available > 0 {
            count = min(out.count, available)
            pending!.withUnsafeReadableBytes { out.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: count) }
            pending!.moveReaderIndex(forwardBy: count)
            if pending!.readableBytes == 0 { pending!.clear() }
            if writerWaiter != nil, pending!.readableBytes <= Self.outboundHighWater / 2 {
                resumeWriter(throwing: nil)
            }
        }
        if (pending?.readableBytes ?? 0) == 0, let block = trailers {
            trailers = nil
            block.submit(to: session, streamID: id)
            return .end(count, endStream: false)
        }
        if count == 0 {
            deferred = true
            return .deferred
        }
        return .bytes(count)
    }

    private func resumeWriter(throwing error: (any Error)?) {
        guard let waiter = writerWaiter else { return }
        writerWaiter = nil
        if let error { waiter.resume(throwing: error) } else { waiter.resume() }
    }

    /// Answers a request that cannot run with a trailers-only response (HTTP `httpStatus`, gRPC `status`).
    func reject(httpStatus: Int = 200, status: RPCStatus, extraHeaders: [(String, String)] = []) {
        guard !isFinished, !isClosed else { return }
        isFinished = true
        headersSubmitted = true
        var builder = HeaderListBuilder()
        builder.add(":status", String(httpStatus))
        builder.add("content-type", "application/grpc")
        builder.add("grpc-status", String(status.code.rawValue))
        if !status.message.isEmpty { builder.add("grpc-message", PercentEncoding.encode(status.message)) }
        for (name, value) in extraHeaders { builder.add(name, value) }
        let block = builder.build()
        _ = session.submitResponse(streamID: id, headers: block, hasBody: false)
        block.deallocate()
    }

    // MARK: - Lifecycle (event loop)

    /// The deadline from `grpc-timeout` passed: the client gets DEADLINE_EXCEEDED and the handler is cancelled.
    func expireDeadline() {
        deadlineTimer = nil
        guard !isFinished, !isClosed else { return }
        deadlineExpired = true
        finishOnLoop(status: RPCStatus(code: .deadlineExceeded, message: "deadline exceeded"), error: nil)
        task?.cancel()
    }

    /// nghttp2 closed the stream (completed, or reset by either side). Returns bytes of connection window still owed.
    func closed(errorCode: UInt32) {
        isClosed = true
        isFinished = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        // The error is built only when someone waits: boxing it allocates, and most streams close with no waiter.
        if let waiter = requestWaiter {
            requestWaiter = nil
            waiter.resume(throwing: endedError())
        }
        if writerWaiter != nil { resumeWriter(throwing: endedError()) }
        if owedWindow > 0 {
            session.consumeConnection(count: owedWindow)
            owedWindow = 0
        }
        trailers = nil
        pending = nil
        queue = nil
        deframer.reset()
    }

    private func endedError() -> RPCError {
        if deadlineExpired { return .deadlineExceeded }
        if let requestFailure { return requestFailure }
        return RPCError(.cancelled, "the call has ended")
    }
}

/// Why request headers were refused before any handler ran.
enum RequestRejection {
    case headerListTooLarge(Int)
    case invalidTimeout(String)
    case unsupportedEncoding(String)
}
