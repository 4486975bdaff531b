import NIOCore
import NaccsMessages

/// A raw output frame: mailbox sequence and message bytes.
struct RawOutput: Sendable {
    let sequence: UInt64
    let bytes: [UInt8]
}

/// Why one request/answer exchange failed.
enum ExchangeFailure: Error {
    case lost(afterSending: Bool)
    case timeout
    case protocolViolation(String)
}

/// The client end of a connection: sends one request frame and collects OUTPUT frames until END.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = NaccsFrame
    typealias OutboundOut = NaccsFrame

    private var context: ChannelHandlerContext?
    private var pending: EventLoopPromise<[RawOutput]>?
    private var collected: [RawOutput] = []
    private var timeout: Scheduled<Void>?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends `frame` and completes `promise` with the outputs (on the channel's event loop).
    func start(_ frame: NaccsFrame, timeout: TimeAmount, promise: EventLoopPromise<[RawOutput]>) {
        guard let context, context.channel.isActive, pending == nil else {
            promise.fail(ExchangeFailure.lost(afterSending: false))
            return
        }
        pending = promise
        collected = []
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        self.timeout = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.fail(.timeout)
        }
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .output(let sequence, let message):
            guard pending != nil else { return fail(.protocolViolation("an OUTPUT frame with no request")) }
            collected.append(RawOutput(sequence: sequence, bytes: message))
        case .end:
            guard let promise = pending else { return fail(.protocolViolation("an END frame with no request")) }
            pending = nil
            timeout?.cancel()
            promise.succeed(collected)
            collected = []
        case .input, .retrieve:
            fail(.protocolViolation("a request frame from the server"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.lost(afterSending: true))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.protocolViolation("\(error)"))
    }

    /// Fails the pending exchange (if any) and closes the connection: its state is unknown.
    private func fail(_ failure: ExchangeFailure) {
        timeout?.cancel()
        timeout = nil
        let promise = pending
        pending = nil
        collected = []
        promise?.fail(failure)
        context?.close(promise: nil)
    }
}
