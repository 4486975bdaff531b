import NIOCore
import NIOHTTP1
import NIOPosix
import PortWebhooks
import Synchronization

/// A request as the receiver saw it.
public struct ReceivedRequest: Sendable {
    public var method: String
    public var uri: String
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    public var body: [UInt8]

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
    public var deliveryID: String? { header(WebhookSignature.deliveryIDHeader) }
}

/// What the receiver does with a request.
public enum ReceiverAction: Sendable {
    /// Answers with this status, body and extra headers, then closes the connection.
    case respond(Int, body: [UInt8] = [], headers: [(String, String)] = [])
    /// Closes the connection without answering.
    case dropConnection
    /// Answers only when `releaseHeld` is called.
    case hold
}

/// A real HTTP/1.1 server on a loopback port (SwiftNIO): records every request and answers as its responder says
/// (the responder gets the request and its 0-based index).
public final class WebhookReceiver: Sendable {
    public typealias Responder = @Sendable (ReceivedRequest, Int) -> ReceiverAction

    private struct State {
        public var requests: [ReceivedRequest] = []
        /// The index of each request that got a 2xx answer.
        var acknowledged: [Int] = []
        var responder: Responder
        var held: [@Sendable (Int) -> Void] = []
    }

    private let group: MultiThreadedEventLoopGroup
    private let state: Mutex<State>
    private let channel = Mutex<(any Channel)?>(nil)
    public let port: Int

    private init(group: MultiThreadedEventLoopGroup, responder: @escaping Responder, port: Int = 0) {
        self.group = group
        self.state = Mutex(State(responder: responder))
        self.port = port
    }

    /// Starts a receiver on a free loopback port.
    public static func start(responder: @escaping Responder = { _, _ in .respond(200) }) async throws -> WebhookReceiver {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ReceiverBox()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMapThrowing {
                        try channel.pipeline.syncOperations.addHandler(ReceiverHandler(box: box))
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            let receiver = WebhookReceiver(group: group, responder: responder, port: channel.localAddress?.port ?? 0)
            receiver.channel.withLock { $0 = channel }
            box.receiver.withLock { $0 = receiver }
            return receiver
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// "http://127.0.0.1:{port}{path}".
    public func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    public var requests: [ReceivedRequest] { state.withLock { $0.requests } }

    /// The requests that were answered with a 2xx status.
    public var acknowledgedRequests: [ReceivedRequest] {
        state.withLock { state in state.acknowledged.map { state.requests[$0] } }
    }

    public var heldCount: Int { state.withLock { $0.held.count } }

    public func setResponder(_ responder: @escaping Responder) {
        state.withLock { $0.responder = responder }
    }

    /// Answers every held request with `status`.
    public func releaseHeld(status: Int = 200) {
        let held = state.withLock { state in
            defer { state.held.removeAll() }
            return state.held
        }
        for answer in held { answer(status) }
    }

    public func stop() async {
        releaseHeld(status: 503)
        let channel = self.channel.withLock { $0 }
        try? await channel?.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func received(_ request: ReceivedRequest) -> (index: Int, action: ReceiverAction) {
        state.withLock { state in
            let index = state.requests.count
            state.requests.append(request)
            return (index, state.responder(request, index))
        }
    }

    fileprivate func hold(_ answer: @escaping @Sendable (Int) -> Void) {
        state.withLock { $0.held.append(answer) }
    }

    fileprivate func acknowledge(_ index: Int) {
        state.withLock { $0.acknowledged.append(index) }
    }
}

/// Lets the channel initializer reach the receiver made after the bind.
private final class ReceiverBox: Sendable {
    let receiver = Mutex<WebhookReceiver?>(nil)
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let box: ReceiverBox
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(box: ReceiverBox) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head, let receiver = box.receiver.withLock({ $0 }) else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers { headers[name.lowercased()] = value }
            let request = ReceivedRequest(method: "\(head.method)", uri: head.uri, headers: headers, body: body)
            let (index, action) = receiver.received(request)
            switch action {
            case .respond(let status, let body, let extra):
                if (200..<300).contains(status) { receiver.acknowledge(index) }
                Self.respond(context: context, status: status, body: body, headers: extra)
            case .dropConnection:
                context.close(promise: nil)
            case .hold:
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                let loop = context.eventLoop
                receiver.hold { status in
                    loop.execute {
                        guard bound.value.channel.isActive else { return }
                        if (200..<300).contains(status) { receiver.acknowledge(index) }
                        Self.respond(context: bound.value, status: status, body: [], headers: [])
                    }
                }
            }
        }
    }

    private static func respond(context: ChannelHandlerContext, status: Int, body: [UInt8], headers extra: [(String, String)]) {
        var headers = HTTPHeaders()
        headers.add(name: "content-length", value: "\(body.count)")
        headers.add(name: "connection", value: "close")
        for (name, value) in extra { headers.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(NIOAny(HTTPServerResponsePart.head(head)), promise: nil)
        if !body.isEmpty {
            context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        }
        let channel = context.channel
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}
