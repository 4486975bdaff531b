import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NaccsMessages

/// `NaccsLink` over TCP with the framing of `NaccsFrame` (to the NACCS simulator, `naccs-simulator`). One connection
/// per credential for inputs, used by one call at a time in arrival order, and one per credential for retrievals
/// (a waiting retrieval never holds up an input). Connections are opened on first use and reopened after a failure.
public final class NaccsTCPLink: NaccsLink {
    /// Where the simulator listens and how long to wait.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var connectTimeout: Duration
        /// How long one exchange may take (a retrieval gets its wait on top).
        public var exchangeTimeout: Duration

        public init(host: String, port: Int, connectTimeout: Duration = .seconds(5), exchangeTimeout: Duration = .seconds(120)) {
            self.host = host
            self.port = port
            self.connectTimeout = connectTimeout
            self.exchangeTimeout = exchangeTimeout
        }
    }

    private let configuration: Configuration
    private let group: any EventLoopGroup
    private let ownsGroup: Bool
    private let logger: Logger
    private let lanes = NIOLockedValueBox<(lanes: [String: SerialLane], shutDown: Bool)>(([:], false))

    /// A link using `group`, or its own single-threaded group when nil.
    public init(configuration: Configuration, eventLoopGroup: (any EventLoopGroup)? = nil, logger: Logger = Logger(label: "naccs.link")) {
        self.configuration = configuration
        self.group = eventLoopGroup ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.ownsGroup = eventLoopGroup == nil
        self.logger = logger
    }

    public func send(_ message: NaccsInputMessage, as credential: NaccsCredential) async throws(NaccsLinkError)
        -> [NaccsDeliveredOutput]
    {
        let bytes: [UInt8]
        do {
            bytes = try NaccsInputMessage(header: credential.applied(to: message.header), body: message.body).encoded()
        } catch { throw .permanent(.invalidInput(error)) }
        let raw = try await exchange(.input(bytes), lane: "input \(credential.user)", extra: .zero)
        let outputs = try Self.decode(raw)
        if let first = outputs.first, first.message.header.kind == .resultNotice,
            let code = try? first.message.resultCodes().first, code.errorCode == "A0011"
        {
            throw .transient(.centerBusy(code))
        }
        return outputs
    }

    public func retrieveOutputs(for credential: NaccsCredential, after sequence: UInt64, waitingUpTo wait: Duration)
        async throws(NaccsLinkError) -> [NaccsDeliveredOutput]
    {
        let request: NaccsRetrieveRequest
        do {
            request = try NaccsRetrieveRequest(credential: credential, after: sequence, wait: wait)
        } catch { throw .permanent(.invalidInput(error)) }
        let raw = try await exchange(.retrieve(request), lane: "retrieve \(credential.user)", extra: wait)
        let outputs = try Self.decode(raw)
        if outputs.count == 1, outputs[0].sequence == 0, outputs[0].message.header.kind == .resultNotice,
            let code = try? outputs[0].message.resultCodes().first, code.isError
        {
            throw .permanent(.rejected(code))
        }
        return outputs
    }

    public func shutdown() async {
        let lanes = self.lanes.withLockedValue { state -> [SerialLane] in
            state.shutDown = true
            return Array(state.lanes.values)
        }
        for lane in lanes { try? await lane.channel?.close() }
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    // MARK: Internals

    private static func decode(_ raw: [RawOutput]) throws(NaccsLinkError) -> [NaccsDeliveredOutput] {
        var outputs: [NaccsDeliveredOutput] = []
        for output in raw {
            do {
                let message = try NaccsOutputMessage(decoding: output.bytes)
                outputs.append(NaccsDeliveredOutput(sequence: output.sequence, message: message, bytes: output.bytes))
            } catch { throw .permanent(.malformedOutput(error)) }
        }
        return outputs
    }

    private func lane(_ key: String) throws(NaccsLinkError) -> SerialLane {
        let lane = lanes.withLockedValue { state -> SerialLane? in
            guard !state.shutDown else { return nil }
            if let lane = state.lanes[key] { return lane }
            let lane = SerialLane()
            state.lanes[key] = lane
            return lane
        }
        guard let lane else { throw .permanent(.shutDown) }
        return lane
    }

    /// Runs one exchange on the lane's connection; a reused connection found closed before sending is replaced once.
    private func exchange(_ frame: NaccsFrame, lane key: String, extra: Duration) async throws(NaccsLinkError) -> [RawOutput] {
        let lane = try lane(key)
        await lane.acquire()
        defer { lane.release() }
        for attempt in 0..<2 {
            let reused = lane.channel?.isActive == true
            let channel = try await connection(lane)
            do {
                return try await run(frame, on: channel, timeout: configuration.exchangeTimeout + extra)
            } catch let failure {
                lane.channel = nil
                channel.close(promise: nil)
                if case .transient(.connectionLost(afterSending: false)) = failure, reused, attempt == 0 { continue }
                throw failure
            }
        }
        throw .transient(.connectionLost(afterSending: false))
    }

    private func connection(_ lane: SerialLane) async throws(NaccsLinkError) -> any Channel {
        if let channel = lane.channel, channel.isActive { return channel }
        if lanes.withLockedValue({ $0.shutDown }) { throw .permanent(.shutDown) }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(Int64(configuration.connectTimeout.components.seconds) * 1_000_000_000
                + configuration.connectTimeout.components.attoseconds / 1_000_000_000))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(NaccsFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(NaccsFrameEncoder()))
                    try channel.pipeline.syncOperations.addHandler(ExchangeHandler())
                }
            }
        do {
            let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            lane.channel = channel
            return channel
        } catch {
            logger.debug("connect failed", metadata: ["error": "\(error)"])
            throw .transient(.connectFailed("\(error)"))
        }
    }

    private func run(_ frame: NaccsFrame, on channel: any Channel, timeout: Duration) async throws(NaccsLinkError) -> [RawOutput] {
        let promise = channel.eventLoop.makePromise(of: [RawOutput].self)
        let nanoseconds = Int64(clamping: timeout.components.seconds) &* 1_000_000_000
            &+ timeout.components.attoseconds / 1_000_000_000
        channel.eventLoop.execute {
            do {
                let handler = try channel.pipeline.syncOperations.handler(type: ExchangeHandler.self)
                handler.start(frame, timeout: .nanoseconds(nanoseconds), promise: promise)
            } catch {
                promise.fail(ExchangeFailure.lost(afterSending: false))
            }
        }
        do {
            return try await promise.futureResult.get()
        } catch ExchangeFailure.lost(let afterSending) {
            throw .transient(.connectionLost(afterSending: afterSending))
        } catch ExchangeFailure.timeout {
            throw .transient(.timeout)
        } catch ExchangeFailure.protocolViolation(let reason) {
            throw .permanent(.protocolViolation(reason))
        } catch {
            throw .transient(.connectionLost(afterSending: true))
        }
    }
}
