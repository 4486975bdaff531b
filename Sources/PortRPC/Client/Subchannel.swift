import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The connection to one server address: connects lazily, shares one HTTP/2 connection among all calls, and after
/// a failure reconnects on the next call with exponential backoff.
final class Subchannel: Sendable {
    let host: String
    let port: Int
    private let group: any EventLoopGroup
    private let configuration: RPCClient.Configuration
    private let state = NIOLockedValueBox(State())

    private struct State {
        var connection: ClientConnectionHandler?
        var connecting: EventLoopFuture<ClientConnectionHandler>?
        var retryAfter: NIODeadline?
        var backoff: TimeAmount = .zero
        var lastError: String?
        var closed = false
    }

    init(host: String, port: Int, group: any EventLoopGroup, configuration: RPCClient.Configuration) {
        self.host = host
        self.port = port
        self.group = group
        self.configuration = configuration
    }

    /// Whether a call should avoid this address for now (it failed recently and is backing off).
    var isBackingOff: Bool {
        state.withLockedValue { state in
            guard let retryAfter = state.retryAfter else { return false }
            return retryAfter > .now() && state.connection == nil
        }
    }

    /// A usable connection, connecting first if needed.
    func connection() -> EventLoopFuture<ClientConnectionHandler> {
        let (existing, pending, failure): (ClientConnectionHandler?, EventLoopFuture<ClientConnectionHandler>?, String?) =
            state.withLockedValue { state in
                if state.closed { return (nil, nil, "client is closed") }
                if let connection = state.connection { return (connection, nil, nil) }
                if let connecting = state.connecting { return (nil, connecting, nil) }
                if let retryAfter = state.retryAfter, retryAfter > .now() {
                    return (nil, nil, "\(host):\(port) is unreachable (\(state.lastError ?? "connect failed")); retrying later")
                }
                return (nil, nil, nil)
            }
        let loop = group.next()
        if let existing { return loop.makeSucceededFuture(existing) }
        if let pending { return pending }
        if let failure { return loop.makeFailedFuture(RPCError(.unavailable, failure)) }
        return connect(on: loop)
    }

    private func connect(on loop: any EventLoop) -> EventLoopFuture<ClientConnectionHandler> {
        let authority = "\(host):\(port)"
        let configuration = self.configuration
        let promise = loop.makePromise(of: ClientConnectionHandler.self)
        let alreadyConnecting: EventLoopFuture<ClientConnectionHandler>? = state.withLockedValue { state in
            if let connecting = state.connecting { return connecting }
            state.connecting = promise.futureResult
            return nil
        }
        if let alreadyConnecting {
            // Another caller won the race to connect: follow its attempt (completing our promise too, so it is
            // never leaked).
            promise.completeWith(alreadyConnecting)
            return alreadyConnecting
        }
        let handlerBox = NIOLockedValueBox<ClientConnectionHandler?>(nil)
        ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 << 10, maximum: 1 << 20))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = ClientConnectionHandler(channel: channel, authority: authority, configuration: configuration)
                    handler.onUnusable = { [weak self] in self?.connectionBecameUnusable(handler) }
                    handlerBox.withLockedValue { $0 = handler }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: host, port: port)
            .whenComplete { [self] result in
                switch result {
                case .success:
                    let handler = handlerBox.withLockedValue { $0 }!
                    state.withLockedValue { state in
                        state.connecting = nil
                        state.connection = handler
                        state.backoff = .zero
                        state.retryAfter = nil
                        state.lastError = nil
                    }
                    promise.succeed(handler)
                case .failure(let error):
                    let message = "\(error)"
                    state.withLockedValue { state in
                        state.connecting = nil
                        state.backoff = state.backoff == .zero
                            ? TimeAmount(configuration.initialReconnectBackoff)
                            : min(state.backoff * 2, TimeAmount(configuration.maxReconnectBackoff))
                        state.retryAfter = .now() + state.backoff
                        state.lastError = message
                    }
                    promise.fail(RPCError(.unavailable, "cannot connect to \(authority): \(message)"))
                }
            }
        return promise.futureResult
    }

    private func connectionBecameUnusable(_ handler: ClientConnectionHandler) {
        state.withLockedValue { state in
            if state.connection === handler { state.connection = nil }
        }
    }

    func close() async {
        let connection: ClientConnectionHandler? = state.withLockedValue { state in
            state.closed = true
            defer { state.connection = nil }
            return state.connection
        }
        if let connection {
            try? await connection.eventLoop.submit { connection.close() }.get()
        }
    }
}

