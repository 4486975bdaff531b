import Logging
import NIOCore

/// One HTTP/2 connection of the client: many concurrent calls multiplexed as streams, output coalesced into one
/// write per event-loop pass. Confined to its event loop (`@unchecked Sendable` so calls can reach it).
final class ClientConnectionHandler: ChannelInboundHandler, HTTP2SessionDelegate, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let eventLoop: any EventLoop
    let allocator: ByteBufferAllocator
    let authority: String
    let configuration: RPCClient.Configuration
    private(set) var session: NGHTTP2Session!
    private var context: ChannelHandlerContext?
    private var streams: [Int32: ClientStream] = [:]
    private let output: ConnectionOutput
    private var inReadBatch = false
    private var flushScheduled = false
    private(set) var isClosed = false
    /// Set once the server sent GOAWAY: no new calls go to this connection.
    private(set) var isDraining = false
    /// Called (on the event loop) when the connection can take no new calls.
    var onUnusable: (@Sendable () -> Void)?

    init(channel: any Channel, authority: String, configuration: RPCClient.Configuration) {
        self.eventLoop = channel.eventLoop
        self.allocator = channel.allocator
        self.authority = authority
        self.configuration = configuration
        self.output = ConnectionOutput(allocator: channel.allocator)
    }

    var isUsable: Bool { !isClosed && !isDraining }

    // MARK: - NIO

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        var options = HTTP2SessionOptions()
        options.initialStreamWindow = UInt32(configuration.initialStreamWindow)
        options.connectionWindow = Int32(clamping: configuration.connectionWindow)
        session = NGHTTP2Session(role: .client, delegate: self, options: options)
        if context.channel.isActive { flushOutput() }
    }

    func channelActive(context: ChannelHandlerContext) {
        flushOutput()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !isClosed else { return }
        inReadBatch = true
        let ok = buffer.withUnsafeReadableBytes { session.receive($0) }
        if !ok { shutDown(reason: "HTTP/2 protocol error from the server") }
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
        shutDown(reason: "connection closed")
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        shutDown(reason: "connection closed")
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        shutDown(reason: "connection error: \(error)")
        context.close(promise: nil)
    }

    // MARK: - Calls

    /// Opens a stream for a call (event loop). The request body so far is `body`; `endRequest` half-closes at once.
    func startCall(
        method: RPCMethod, metadata: Metadata, timeout: Duration?, body: ByteBuffer, endRequest: Bool
    ) -> ClientStream {
        let stream = ClientStream(
            connection: self, method: method, body: body, endRequest: endRequest,
            maxReceiveSize: configuration.maxReceiveMessageSize)
        guard isUsable else {
            stream.connectionLost(isClosed ? "connection closed" : "connection is shutting down")
            return stream
        }
        var headers = HeaderListBuilder(capacity: 10 + metadata.count)
        headers.add(":method", "POST")
        headers.add(":scheme", "http")
        headers.add(":path", method.path)
        headers.add(":authority", authority)
        headers.add("content-type", "application/grpc")
        headers.add("te", "trailers")
        if let timeout {
            let nanos = Int64(clamping: timeout.components.seconds) * 1_000_000_000
                + timeout.components.attoseconds / 1_000_000_000
            headers.add("grpc-timeout", GRPCTimeout.encode(nanoseconds: max(nanos, 1)))
        }
        headers.add("user-agent", configuration.userAgent)
        headers.add(metadata)
        let block = headers.build()
        let id = session.submitRequest(headers: block)
        block.deallocate()
        guard let id else {
            stream.connectionLost("no new stream could be opened on this connection")
            return stream
        }
        stream.id = id
        streams[id] = stream
        if let timeout {
            if timeout <= .zero {
                stream.expireDeadline()
            } else {
                stream.deadlineTimer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { stream.expireDeadline() }
            }
        }
        scheduleFlush()
        return stream
    }

    func scheduleFlush() {
        if inReadBatch || flushScheduled || isClosed { return }
        flushScheduled = true
        eventLoop.execute { [self] in
            flushScheduled = false
            flushOutput()
        }
    }

    func flushOutput() {
        guard let context, !isClosed else { return }
        if !output.flush(session, to: context) {
            shutDown(reason: "HTTP/2 session error")
            context.close(promise: nil)
            return
        }
        if !session.wantsRead && !session.wantsWrite { close() }
    }

    /// Closes the connection; open calls fail with UNAVAILABLE.
    func close() {
        guard let context else { return }
        shutDown(reason: "connection closed by the client")
        context.close(promise: nil)
    }

    private func shutDown(reason: String) {
        guard !isClosed else { return }
        isClosed = true
        let open = streams.values
        streams.removeAll()
        for stream in open { stream.connectionLost(reason) }
        onUnusable?()
        onUnusable = nil
    }

    // MARK: - HTTP2SessionDelegate

    func sessionBeginHeaders(streamID: Int32, isFirst: Bool) {
        streams[streamID]?.inTrailers = !isFirst
    }

    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool {
        streams[streamID]?.header(name: String(decoding: name, as: UTF8.self), value: value)
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
            if frame.isFirstHeaders && frame.endStream { streams[frame.streamID]?.trailersOnlyReceived() }
        case HTTP2FrameType.goaway.rawValue:
            isDraining = true
            onUnusable?()
            onUnusable = nil
        default:
            break
        }
    }

    func sessionStreamClosed(streamID: Int32, errorCode: UInt32) {
        streams.removeValue(forKey: streamID)?.closed(errorCode: errorCode)
    }

    func sessionInvalidFrame(streamID: Int32, type: UInt8) {}

    func sessionFrameSent(type: UInt8, streamID: Int32, flags: UInt8) {}

    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> DataReadResult {
        guard let stream = streams[streamID] else { return .end(0, endStream: true) }
        return stream.readData(into: buffer)
    }
}
