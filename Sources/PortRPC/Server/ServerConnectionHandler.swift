import CNGHTTP2
import Logging
import NIOCore

/// Events the server sends down every connection's pipeline.
enum ServerConnectionEvent {
    /// Start a graceful shutdown: GOAWAY, let running calls finish.
    case drain
    /// The grace period is over: cancel what still runs and close.
    case forceClose
}

/// One HTTP/2 connection of the server: feeds bytes to nghttp2, turns streams into calls, runs handlers on this
/// event loop and writes everything produced in one pass with a single write.
///
/// Confinement: all state is touched on `eventLoop` only; the type is `@unchecked Sendable` so that handler tasks
/// (which run on the same loop) can reach it.
final class ServerConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let routes: RouteTable
    let configuration: ServerConfiguration
    let logger: Logger
    let eventLoop: any EventLoop
    let allocator: ByteBufferAllocator
    private let executor: EventLoopTaskExecutor
    private(set) var session: NGHTTP2Session!

    private var context: ChannelHandlerContext?
    private var streams: [Int32: ServerStream] = [:]
    private var readyToDispatch: [ServerStream] = []
    private var toCancel: [ServerStream] = []
    private let output: ConnectionOutput
    private var inReadBatch = false
    private var flushScheduled = false
    private var isClosed = false
    private var closeReason: String?
    private var peer = ""
    /// Streams admitted and not yet finished by their handler (including handlers of streams already reset).
    private var runningHandlers = 0
    private var maxRunningHandlers: Int {
        max(configuration.abuseLimits.maxRunningHandlers, 2 * configuration.maxConcurrentStreams)
    }
    private var lastReadTime = NIODeadline.now()

    private var invalidFrames: TokenBucket
    private var ownResets: TokenBucket
    private var receivedResets: TokenBucket
    private var pings: TokenBucket
    private var emptyDataFrames: TokenBucket
    private var pingStrikes = 0
    private var lastPingReceived: NIODeadline?
    private var keepaliveTimer: RepeatedTask?
    private var keepaliveTimeout: Scheduled<Void>?
    private var draining = false
    private var finalGoawaySent = false

    init(routes: RouteTable, configuration: ServerConfiguration, logger: Logger, channel: any Channel) {
        self.routes = routes
        self.configuration = configuration
        self.logger = logger
        self.eventLoop = channel.eventLoop
        self.allocator = channel.allocator
        self.executor = EventLoopTaskExecutor(eventLoop: channel.eventLoop)
        self.output = ConnectionOutput(allocator: channel.allocator)
        let limits = configuration.abuseLimits
        invalidFrames = TokenBucket(burst: limits.invalidFrames.burst, perSecond: limits.invalidFrames.perSecond)
        ownResets = TokenBucket(burst: limits.ownResets.burst, perSecond: limits.ownResets.perSecond)
        receivedResets = TokenBucket(burst: limits.receivedResets.burst, perSecond: limits.receivedResets.perSecond)
        pings = TokenBucket(burst: limits.pings.burst, perSecond: limits.pings.perSecond)
        emptyDataFrames = TokenBucket(burst: limits.emptyDataFrames.burst, perSecond: limits.emptyDataFrames.perSecond)
    }

    // MARK: - NIO

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        var options = HTTP2SessionOptions()
        options.maxConcurrentStreams = UInt32(configuration.maxConcurrentStreams)
        options.initialStreamWindow = UInt32(configuration.initialStreamWindow)
        options.connectionWindow = Int32(clamping: configuration.connectionWindow)
        options.maxHeaderListSize = UInt32(configuration.maxHeaderListSize)
        session = NGHTTP2Session(role: .server, delegate: self, options: options)
        peer = context.channel.remoteAddress.map(Self.describe) ?? "unknown"
        if context.channel.isActive { start() }
    }

    func channelActive(context: ChannelHandlerContext) {
        start()
        context.fireChannelActive()
    }

    private func start() {
        guard keepaliveTimer == nil else { return }
        let interval = TimeAmount(configuration.keepalive.time)
        // Timers capture the handler strongly (a weak reference would give it a side table and slow down every
        // retain and release on the hot path); tearDown() cancels them, which breaks the cycle.
        keepaliveTimer = eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { [self] _ in
            keepaliveTick()
        }
        flushOutput()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !isClosed else { return }
        lastReadTime = .now()
        inReadBatch = true
        let ok = buffer.withUnsafeReadableBytes { session.receive($0) }
        if !ok { closeReason = closeReason ?? "HTTP/2 protocol error" }
        runDeferredWork()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBatch = false
        flushOutput()
        context.fireChannelReadComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { flushOutput() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        tearDown()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        tearDown()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["peer": "\(peer)", "error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? ServerConnectionEvent {
        case .drain?: drain()
        case .forceClose?:
            tearDown()
            context.close(promise: nil)
        case nil: context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Output

    /// Asks for one flush on this loop soon (used when a handler finishes outside a read batch).
    func scheduleFlush() {
        if inReadBatch || flushScheduled || isClosed { return }
        flushScheduled = true
        eventLoop.execute { [self] in
            flushScheduled = false
            flushOutput()
        }
    }

    /// Drains everything nghttp2 has ready and writes it with one write and one flush.
    func flushOutput() {
        guard let context, !isClosed else { return }
        if !output.flush(session, to: context) { closeReason = closeReason ?? "HTTP/2 session error" }
        runDeferredWork()
        if closeReason != nil || (!session.wantsRead && !session.wantsWrite) || (finalGoawaySent && streams.isEmpty) {
            closeConnection()
        }
    }

    private func closeConnection() {
        guard let context, !isClosed else { return }
        if let reason = closeReason {
            logger.info("closing connection", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        }
        if let remaining = output.takeRemaining() { context.writeAndFlush(wrapOutboundOut(remaining), promise: nil) }
        tearDown()
        context.close(promise: nil)
    }

    private func tearDown() {
        guard !isClosed else { return }
        isClosed = true
        keepaliveTimer?.cancel()
        keepaliveTimeout?.cancel()
        for stream in streams.values {
            stream.closed(errorCode: HTTP2ErrorCode.cancel.rawValue)
            stream.task?.cancel()
        }
        streams.removeAll()
        readyToDispatch.removeAll()
        toCancel.removeAll()
    }

    // MARK: - Dispatch

    private func runDeferredWork() {
        while !readyToDispatch.isEmpty || !toCancel.isEmpty {
            if !toCancel.isEmpty {
                let cancelled = toCancel
                toCancel.removeAll(keepingCapacity: true)
                for stream in cancelled { stream.task?.cancel() }
            }
            if !readyToDispatch.isEmpty {
                let ready = readyToDispatch
                readyToDispatch.removeAll(keepingCapacity: true)
                for stream in ready { dispatch(stream) }
            }
        }
    }

    private func dispatch(_ stream: ServerStream) {
        guard !stream.dispatched, !stream.isFinished, !stream.isClosed, let route = stream.route else { return }
        stream.dispatched = true
        var deadline: ContinuousClock.Instant?
        if let timeout = stream.timeoutNanos {
            deadline = ContinuousClock.now + .nanoseconds(timeout)
            stream.deadlineTimer = eventLoop.scheduleTask(in: .nanoseconds(timeout)) { stream.expireDeadline() }
        }
        let context = ServerContext(
            method: route.method, requestMetadata: stream.requestMetadata, deadline: deadline, peer: peer,
            stream: stream)
        let run = route.run
        if let deadline {
            stream.task = Task.immediate(executorPreference: executor) {
                await RPCDeadline.$current.withValue(deadline) { await run(stream, context) }
                stream.connection.handlerFinished()
            }
        } else {
            stream.task = Task.immediate(executorPreference: executor) {
                await run(stream, context)
                stream.connection.handlerFinished()
            }
        }
    }

    func handlerFinished() {
        guard eventLoop.inEventLoop else {
            eventLoop.execute { self.handlerFinished() }
            return
        }
        runningHandlers -= 1
    }

    /// Validates request headers once the HEADERS block is complete; answers at once when the call cannot run.
    private func requestHeadersComplete(_ stream: ServerStream, endStream: Bool) {
        if let rejection = stream.rejection {
            switch rejection {
            case .headerListTooLarge(let size):
                stream.reject(status: RPCStatus(
                    code: .resourceExhausted,
                    message: "request header list of \(size) bytes exceeds the limit of \(configuration.maxHeaderListSize)"))
            case .invalidTimeout(let value):
                stream.reject(status: RPCStatus(code: .internal, message: "malformed grpc-timeout \"\(value)\""))
            case .unsupportedEncoding(let encoding):
                stream.reject(
                    status: RPCStatus(code: .unimplemented, message: "grpc-encoding \"\(encoding)\" is not supported"),
                    extraHeaders: [("grpc-accept-encoding", "identity")])
            }
            return
        }
        if !stream.sawPOST {
            stream.reject(
                httpStatus: 405, status: RPCStatus(code: .internal, message: "gRPC requests must use POST"))
            return
        }
        if !stream.sawGRPCContentType {
            stream.reject(
                httpStatus: 415,
                status: RPCStatus(
                    code: .internal, message: "invalid gRPC request content-type \"\(stream.contentType)\""))
            return
        }
        guard let route = stream.route else {
            stream.reject(status: RPCStatus(code: .unimplemented, message: "unknown method \(stream.unknownPath)"))
            return
        }
        // Counted from admission (not from dispatch) so that one read full of HEADERS cannot overshoot the limit.
        if runningHandlers >= maxRunningHandlers {
            session.resetStream(stream.id, code: .refusedStream)
            return
        }
        runningHandlers += 1
        stream.admitted = true
        if endStream { stream.endOfRequest() }
        if route.kind.clientStreams || endStream { readyToDispatch.append(stream) }
    }

    // MARK: - HTTP2SessionDelegate

    func sessionBeginHeaders(streamID: Int32, isFirst: Bool) {
        guard isFirst, streams[streamID] == nil else { return }
        streams[streamID] = ServerStream(id: streamID, connection: self)
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        guard let stream = streams[streamID], !stream.dispatched else { return true }
        stream.headerBytes += name.count + value.count + 32
        if stream.headerBytes > configuration.maxHeaderListSize {
            stream.rejection = .headerListTooLarge(stream.headerBytes)
            return true
        }
        if stream.rejection != nil { return true }
        RequestHeaderParser.apply(name: name, value: value, to: stream, routes: routes)
        return true
    }

    func sessionData(streamID: Int32, _ data: UnsafeRawBufferPointer) {
        guard let stream = streams[streamID] else {
            session.consumeConnection(count: data.count)
            return
        }
        stream.receive(data)
    }

    func sessionFrameReceived(_ frame: ReceivedFrame) {
        switch frame.type {
        case HTTP2FrameType.headers.rawValue:
            guard let stream = streams[frame.streamID] else { return }
            if frame.isFirstHeaders {
                requestHeadersComplete(stream, endStream: frame.endStream)
            } else if frame.endStream {
                requestEnded(stream)
            }
        case HTTP2FrameType.data.rawValue:
            guard let stream = streams[frame.streamID] else { return }
            if frame.endStream {
                requestEnded(stream)
            } else if frame.length == 0, !emptyDataFrames.take() {
                abuse("too many empty DATA frames")
            }
        case HTTP2FrameType.rstStream.rawValue:
            if !receivedResets.take() { abuse("too many stream resets") }
        case HTTP2FrameType.ping.rawValue:
            if frame.isAck {
                keepaliveTimeout?.cancel()
                keepaliveTimeout = nil
            } else {
                pingReceived()
            }
        default:
            break
        }
    }

    private func requestEnded(_ stream: ServerStream) {
        stream.endOfRequest()
        if let route = stream.route, !route.kind.clientStreams, !stream.isFinished {
            readyToDispatch.append(stream)
        }
    }

    func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
        guard let stream = streams.removeValue(forKey: streamID) else { return }
        let completedNormally = stream.isFinished
        stream.closed(errorCode: errorCode)
        if stream.dispatched && !completedNormally { toCancel.append(stream) }
        if stream.admitted && !stream.dispatched { runningHandlers -= 1 }
        if finalGoawaySent && streams.isEmpty { scheduleFlush() }
    }

    func sessionInvalidFrame(streamID: Int32, type: UInt8) {
        if !invalidFrames.take() { abuse("too many invalid frames") }
    }

    func sessionFrameSent(type: UInt8, streamID: Int32, flags: UInt8) {
        switch type {
        case HTTP2FrameType.rstStream.rawValue:
            if streams[streamID]?.politeReset != true, !ownResets.take() { abuse("too many streams reset by the server") }
        case HTTP2FrameType.headers.rawValue, HTTP2FrameType.data.rawValue:
            pingStrikes = 0
            if flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0, let stream = streams[streamID],
                !stream.requestEnded
            {
                // The response ended before the request: free the stream (PROTOCOL-HTTP2 "early server closure").
                stream.politeReset = true
                session.resetStream(streamID, code: .noError)
            }
        default:
            break
        }
    }

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> DataReadResult {
        guard let stream = streams[streamID] else { return .end(0, endStream: true) }
        return stream.readData(into: buffer)
    }

    // MARK: - Abuse, pings and shutdown

    private func abuse(_ reason: String) {
        guard closeReason == nil else { return }
        closeReason = reason
        logger.warning("ending abusive connection", metadata: ["peer": "\(peer)", "reason": "\(reason)"])
        session.submitGoaway(code: .enhanceYourCalm, debug: reason)
    }

    private func pingReceived() {
        if !pings.take() {
            abuse("ping flood")
            return
        }
        let now = NIODeadline.now()
        if streams.isEmpty, let last = lastPingReceived,
            now - last < TimeAmount(configuration.keepalive.minPingInterval)
        {
            pingStrikes += 1
            if pingStrikes > configuration.keepalive.maxPingStrikes {
                guard closeReason == nil else { return }
                closeReason = "too_many_pings"
                session.submitGoaway(code: .enhanceYourCalm, debug: "too_many_pings")
            }
        }
        lastPingReceived = now
    }

    private func keepaliveTick() {
        guard !isClosed, keepaliveTimeout == nil else { return }
        guard NIODeadline.now() - lastReadTime >= TimeAmount(configuration.keepalive.time) else { return }
        session.submitPing(UInt64(UInt32.max))
        keepaliveTimeout = eventLoop.scheduleTask(in: TimeAmount(configuration.keepalive.timeout)) { [self] in
            closeReason = "keepalive ping not acknowledged"
            closeConnection()
        }
        flushOutput()
    }

    /// Graceful shutdown: announce GOAWAY, then after a round trip stop accepting streams; close once idle.
    private func drain() {
        guard !draining, !isClosed else { return }
        draining = true
        session.submitShutdownNotice()
        session.submitPing(0x4452_4149_4E00_0000)
        flushOutput()
        eventLoop.scheduleTask(in: .milliseconds(200)) { [self] in
            guard !isClosed else { return }
            session.submitGoaway(code: .noError)
            finalGoawaySent = true
            flushOutput()
        }
    }

    private static func describe(_ address: SocketAddress) -> String {
        switch address {
        case .v4(let a): "\(a.host):\(address.port ?? 0)"
        case .v6(let a): "[\(a.host)]:\(address.port ?? 0)"
        case .unixDomainSocket: "unix:\(address.pathname ?? "")"
        }
    }
}
