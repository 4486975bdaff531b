import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A gRPC server: listens on one address, hosts services, and shuts down gracefully.
///
/// ```swift
/// let server = RPCServer(services: [MyService()], configuration: config, logger: logger)
/// try await server.start()
/// try await server.waitUntilClosed()
/// ```
public final class RPCServer: Sendable {
    public let configuration: ServerConfiguration
    private let routes: RouteTable
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let state = NIOLockedValueBox(State())

    private struct State {
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        var shuttingDown = false
        var closePromise: EventLoopPromise<Void>?
        /// Set once the event loops are shut down: the close promise's loop can no longer run callbacks.
        var stopped = false
    }

    public init(services: [any RPCService], configuration: ServerConfiguration = ServerConfiguration(), logger: Logger) {
        self.configuration = configuration
        self.routes = RouteTable(services: services)
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    /// Names of the hosted services.
    public var serviceNames: [String] { routes.serviceNames }

    /// The bound port once started.
    public var localPort: Int? { state.withLockedValue { $0.serverChannel?.localAddress?.port } }

    /// Binds and starts accepting connections.
    public func start() async throws {
        let routes = self.routes
        let configuration = self.configuration
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 16 << 10, maximum: 1 << 20))
            .childChannelInitializer { [weak self] channel in
                guard let self else { return channel.eventLoop.makeSucceededVoidFuture() }
                if !self.register(channel) {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ServerConnectionHandler(routes: routes, configuration: configuration, logger: logger, channel: channel))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        state.withLockedValue {
            $0.serverChannel = channel
            $0.closePromise = channel.eventLoop.makePromise()
        }
        logger.info(
            "listening",
            metadata: [
                "host": "\(configuration.host)", "port": "\(channel.localAddress?.port ?? 0)",
                "services": "\(routes.serviceNames.joined(separator: ","))",
            ])
    }

    private func register(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let accepted = state.withLockedValue { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.connections[id] = channel
            return true
        }
        if accepted {
            channel.closeFuture.whenComplete { [weak self] _ in
                self?.state.withLockedValue { _ = $0.connections.removeValue(forKey: id) }
            }
        }
        return accepted
    }

    /// Waits until the server has shut down.
    public func waitUntilClosed() async throws {
        guard let future = state.withLockedValue({ $0.stopped ? nil : $0.closePromise?.futureResult }) else { return }
        try await future.get()
    }

    /// Graceful shutdown: stops accepting, sends GOAWAY on every connection, lets running calls finish within
    /// `gracePeriod` (default: the configured one), then closes what remains and stops the event loops.
    public func shutdown(gracePeriod: Duration? = nil) async {
        let grace = gracePeriod ?? configuration.shutdownGracePeriod
        let (serverChannel, alreadyShuttingDown) = state.withLockedValue { state in
            defer { state.shuttingDown = true }
            return (state.serverChannel, state.shuttingDown)
        }
        guard !alreadyShuttingDown else {
            try? await waitUntilClosed()
            return
        }
        logger.info("shutting down", metadata: ["grace": "\(grace)"])
        try? await serverChannel?.close()
        for channel in state.withLockedValue({ Array($0.connections.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(ServerConnectionEvent.drain)
        }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, !state.withLockedValue({ $0.connections.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let remaining = state.withLockedValue { Array($0.connections.values) }
        if !remaining.isEmpty {
            logger.warning("grace period over; closing connections", metadata: ["connections": "\(remaining.count)"])
        }
        for channel in remaining {
            channel.pipeline.fireUserInboundEventTriggered(ServerConnectionEvent.forceClose)
        }
        for channel in remaining { try? await channel.closeFuture.get() }
        state.withLockedValue { $0.closePromise?.succeed() }
        try? await group.shutdownGracefully()
        state.withLockedValue { $0.stopped = true }
        logger.info("stopped")
    }
}
