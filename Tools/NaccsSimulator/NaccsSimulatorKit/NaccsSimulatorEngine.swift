import Logging
import NIOConcurrencyHelpers
import NaccsLink
import NaccsMessages

/// What the simulator does with one request: answer with outputs (sequence 0 for outputs it does not hold), or
/// drop the connection.
struct EngineAnswer: Sendable {
    var outputs: [MailboxEntry]
    var dropConnection = false
}

/// Plays NACCS for one request at a time per connection: decodes and admits the input, injects faults, lets the
/// center process it, and schedules slow outputs (permits).
final class NaccsSimulatorEngine: Sendable {
    let center: NaccsCenter
    private let configuration: NaccsSimulatorConfiguration
    private let logger: Logger
    private let random: NIOLockedValueBox<FaultRandom>
    private let laterTasks = NIOLockedValueBox<(tasks: [Int: Task<Void, Never>], next: Int, closed: Bool)>(([:], 0, false))

    init(configuration: NaccsSimulatorConfiguration, catalog: NaccsCatalog, logger: Logger) {
        self.configuration = configuration
        self.center = NaccsCenter(catalog: catalog, users: configuration.users, mailboxLimit: configuration.mailboxLimit)
        self.logger = logger
        self.random = NIOLockedValueBox(FaultRandom(state: configuration.seed))
    }

    private func roll(_ rate: Double) -> Bool {
        guard rate > 0 else { return false }
        return random.withLockedValue { $0.unit() } < rate
    }

    func handle(_ frame: NaccsFrame) async -> EngineAnswer {
        switch frame {
        case .input(let bytes): return await input(bytes)
        case .retrieve(let request): return await retrieve(request)
        case .output, .end: return EngineAnswer(outputs: [], dropConnection: true)
        }
    }

    private func input(_ bytes: [UInt8]) async -> EngineAnswer {
        await center.countInput()
        if roll(configuration.dropRate) {
            let after = configuration.dropPoint == .after || (configuration.dropPoint == .either && roll(0.5))
            await center.countDrop()
            if !after { return EngineAnswer(outputs: [], dropConnection: true) }
            _ = await process(bytes)
            return EngineAnswer(outputs: [], dropConnection: true)
        }
        return EngineAnswer(outputs: await process(bytes))
    }

    private func process(_ bytes: [UInt8]) async -> [MailboxEntry] {
        let message: NaccsInputMessage
        do {
            message = try NaccsInputMessage(decoding: bytes)
        } catch {
            let code = bytes.count >= 8 ? String(decoding: bytes[3..<8].filter { NaccsCharacterSet.alphanumeric.allows($0) && $0 != 0x20 }, as: UTF8.self) : ""
            let result: NaccsResultCode
            if case .lengthMismatch = error.reason { result = SimulatorResultCodes.badLength } else { result = SimulatorResultCodes.badHeader }
            logger.debug("undecodable input", metadata: ["error": "\(error)"])
            let notice = await center.unheldNotice(OutputFactory.Echo(businessCode: code), code: nil, result: result)
            return [MailboxEntry(sequence: 0, bytes: notice)]
        }
        let echo = OutputFactory.Echo(header: message.header, mailAddress: "")
        switch await center.admit(message.header) {
        case .rejected(let result):
            let code = center.catalog.businessCode(message.header.businessCode)
            return [MailboxEntry(sequence: 0, bytes: await center.unheldNotice(echo, code: code, result: result))]
        case .admitted(let user, let code):
            if roll(configuration.busyRate) {
                await center.countBusy()
                await center.finish(user)
                return [MailboxEntry(sequence: 0, bytes: await center.unheldNotice(echo, code: code, result: SimulatorResultCodes.centerBusy))]
            }
            if configuration.latency > .zero { try? await Task.sleep(for: configuration.latency) }
            let (outputs, permitDue) = await center.process(message, code: code, user: user, clock: NaccsCenter.clock())
            await center.finish(user)
            // One line per processed input (never the credential): the crash test counts them per input id.
            logger.debug(
                "input processed",
                metadata: ["businessCode": "\(code.code)", "inputInformationId": "\(message.header.inputInformationID)"])
            if let permitDue {
                schedulePermit(permitDue, trigger: code.code, echo: OutputFactory.Echo(header: message.header, mailAddress: user.mailAddress), user: user)
            }
            return outputs
        }
    }

    private func retrieve(_ request: NaccsRetrieveRequest) async -> EngineAnswer {
        let (userCode, identificationNumber, password) = request.credentialFields
        if let refused = await center.verify(userCode: userCode, identificationNumber: identificationNumber, password: password) {
            var echo = OutputFactory.Echo(businessCode: "")
            echo.userCode = userCode
            return EngineAnswer(outputs: [MailboxEntry(sequence: 0, bytes: await center.unheldNotice(echo, code: nil, result: refused))])
        }
        let wait = Duration.milliseconds(Int64(request.waitMilliseconds))
        let entries = await center.retrieve(user: "\(userCode)/\(identificationNumber)", after: request.after, wait: wait)
        return EngineAnswer(outputs: entries)
    }

    private func schedulePermit(_ number: String, trigger: String, echo: OutputFactory.Echo, user: NaccsSimulatorUser) {
        let delay = configuration.slowOutputDelay
        let center = self.center
        laterTasks.withLockedValue { state in
            guard !state.closed else { return }
            let id = state.next
            state.next += 1
            state.tasks[id] = Task { [weak self] in
                if delay > .zero { try? await Task.sleep(for: delay) }
                if !Task.isCancelled { await center.issuePermit(number, trigger: trigger, echo: echo, user: user) }
                self?.laterTasks.withLockedValue { _ = $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    /// Cancels pending slow outputs and ends waiting retrievals.
    func close() async {
        let tasks = laterTasks.withLockedValue { state -> [Task<Void, Never>] in
            state.closed = true
            defer { state.tasks = [:] }
            return Array(state.tasks.values)
        }
        for task in tasks { task.cancel() }
        await center.releaseWaiters()
    }
}

/// SplitMix64 for fault injection: deterministic for a seed.
struct FaultRandom: Sendable {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
