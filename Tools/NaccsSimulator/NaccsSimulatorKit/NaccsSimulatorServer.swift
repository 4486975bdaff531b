import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NaccsLink
import NaccsMessages

/// The NACCS simulator's TCP server (framing: `NaccsFrame`). Start it, read `port`, and stop it with `shutdown()`.
public final class NaccsSimulatorServer: Sendable {
    private let configuration: NaccsSimulatorConfiguration
    private let engine: NaccsSimulatorEngine
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox<
        (server: (any Channel)?, connections: [ObjectIdentifier: any Channel], stopping: Task<Void, Never>?)
    >((nil, [:], nil))

    /// A server for `configuration`; throws when the embedded NACCS catalog is broken.
    public init(configuration: NaccsSimulatorConfiguration, logger: Logger = Logger(label: "naccs.simulator")) throws {
        let catalog = try NaccsCatalog.load()
        self.configuration = configuration
        self.logger = logger
        self.engine = NaccsSimulatorEngine(configuration: configuration, catalog: catalog, logger: logger)
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
    }

    /// The bound port once started.
    public var port: Int? { state.withLockedValue { $0.server?.localAddress?.port } }

    /// What the simulator has seen so far.
    public func statistics() async -> NaccsSimulatorStatistics { await engine.center.statistics }

    /// Binds and starts accepting connections.
    public func start() async throws {
        let engine = self.engine
        let logger = self.logger
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NaccsFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(NaccsFrameEncoder()))
                    try channel.pipeline.syncOperations.addHandler(SimulatorConnectionHandler(engine: engine, logger: logger))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        state.withLockedValue { $0.server = channel }
        logger.info(
            "NACCS simulator listening",
            metadata: [
                "host": "\(configuration.host)", "port": "\(channel.localAddress?.port ?? 0)",
                "users": "\(configuration.users.count)", "latency": "\(configuration.latency)",
                "busyRate": "\(configuration.busyRate)", "dropRate": "\(configuration.dropRate)",
                "slowOutput": "\(configuration.slowOutputDelay)",
            ])
    }

    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLockedValue { _ = $0.connections.removeValue(forKey: id) }
        }
    }

    /// Waits until the listening socket closes.
    public func waitUntilClosed() async throws {
        guard let server = state.withLockedValue({ $0.server }) else { return }
        try await server.closeFuture.get()
    }

    /// Stops accepting, ends waiting retrievals and pending slow outputs, closes every connection and the threads.
    /// Safe to call more than once: later calls wait for the first to finish.
    public func shutdown() async {
        let task = state.withLockedValue { state -> Task<Void, Never> in
            if let stopping = state.stopping { return stopping }
            let server = state.server
            let engine = self.engine
            let group = self.group
            let stopping = Task { [weak self] in
                try? await server?.close()
                await engine.close()
                let connections = self?.state.withLockedValue { Array($0.connections.values) } ?? []
                for connection in connections { try? await connection.close() }
                try? await group.shutdownGracefully()
            }
            state.stopping = stopping
            return stopping
        }
        await task.value
    }
}

/// One connection: answers its requests one at a time, in order.
final class SimulatorConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = NaccsFrame
    typealias OutboundOut = NaccsFrame

    private let engine: NaccsSimulatorEngine
    private let logger: Logger
    private var queue: [NaccsFrame] = []
    private var busy = false

    init(engine: NaccsSimulatorEngine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        queue.append(unwrapInboundIn(data))
        next(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("closing a connection", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func next(context: ChannelHandlerContext) {
        guard !busy, !queue.isEmpty else { return }
        busy = true
        let frame = queue.removeFirst()
        let engine = self.engine
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        Task {
            let answer = await engine.handle(frame)
            eventLoop.execute {
                let (handler, context) = bound.value
                handler.answer(answer, context: context)
            }
        }
    }

    private func answer(_ answer: EngineAnswer, context: ChannelHandlerContext) {
        busy = false
        guard context.channel.isActive else { return }
        if answer.dropConnection {
            context.close(promise: nil)
            return
        }
        for output in answer.outputs {
            context.write(wrapOutboundOut(.output(sequence: output.sequence, message: output.bytes)), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end), promise: nil)
        next(context: context)
    }
}
