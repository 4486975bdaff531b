import Foundation
import NaccsMessages

/// One output held in a user's mailbox.
struct MailboxEntry: Sendable {
    let sequence: UInt64
    let bytes: [UInt8]
}

/// Counters the tests and logs read.
public struct NaccsSimulatorStatistics: Sendable, Hashable {
    public var inputs = 0
    public var processed = 0
    public var busyInjected = 0
    public var dropsInjected = 0
    /// Inputs refused with A0012 because another input of the same user was in progress.
    public var concurrentInputsRefused = 0
    public var permitsIssued = 0
}

/// The simulated center: credentials, the state across business codes, and each user's mailbox. An actor, so
/// concurrent connections see one consistent state.
actor NaccsCenter {
    enum Admission {
        case rejected(NaccsResultCode)
        case admitted(NaccsSimulatorUser, NaccsBusinessCode)
    }

    private struct Mailbox {
        var entries: [MailboxEntry] = []
        var next: UInt64 = 1
    }

    private struct Waiter {
        let user: String
        let after: UInt64
        let continuation: CheckedContinuation<[MailboxEntry], Never>
    }

    let catalog: NaccsCatalog
    private let factory: OutputFactory
    private let users: [String: NaccsSimulatorUser]
    private let mailboxLimit: Int
    private var state = CenterState()
    private var inFlight: Set<String> = []
    private var mailboxes: [String: Mailbox] = [:]
    private var waiters: [Int: Waiter] = [:]
    private var nextWaiter = 0
    private(set) var statistics = NaccsSimulatorStatistics()

    init(catalog: NaccsCatalog, users: [NaccsSimulatorUser], mailboxLimit: Int) {
        self.catalog = catalog
        self.factory = OutputFactory(catalog: catalog)
        self.users = Dictionary(users.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.mailboxLimit = max(1, mailboxLimit)
    }

    /// The time now in Japan.
    static func clock() -> CenterClock {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo") ?? TimeZone(secondsFromGMT: 9 * 3600) ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date())
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return CenterClock(today: String(format: "%04d", parts.year ?? 1970) + two(parts.month) + two(parts.day), time: two(parts.hour) + two(parts.minute))
    }

    func countInput() { statistics.inputs += 1 }
    func countBusy() { statistics.busyInjected += 1 }
    func countDrop() { statistics.dropsInjected += 1 }

    /// Checks the business code and credential, and that the user has no other input in progress.
    func admit(_ header: NaccsInputHeader) -> Admission {
        guard let code = catalog.businessCode(header.businessCode) else { return .rejected(SimulatorResultCodes.unknownBusinessCode) }
        guard let user = users["\(header.userCode)/\(header.identificationNumber)"] else {
            return .rejected(SimulatorResultCodes.unknownUser)
        }
        guard user.password == header.password else { return .rejected(SimulatorResultCodes.wrongPassword) }
        guard inFlight.insert(user.key).inserted else {
            statistics.concurrentInputsRefused += 1
            return .rejected(SimulatorResultCodes.inputInProgress)
        }
        return .admitted(user, code)
    }

    /// Ends the user's input in progress.
    func finish(_ user: NaccsSimulatorUser) { inFlight.remove(user.key) }

    /// Processes an admitted input: checks the body against the layout, applies the business rules, and puts the
    /// outputs in the user's mailbox. Returns them, and the declaration number a permit is due for.
    func process(_ message: NaccsInputMessage, code: NaccsBusinessCode, user: NaccsSimulatorUser, clock: CenterClock)
        -> (outputs: [MailboxEntry], permitDue: String?)
    {
        statistics.processed += 1
        let echo = OutputFactory.Echo(header: message.header, mailAddress: user.mailAddress)
        var outcome = Outcome()
        do {
            let values = try code.input.decode(message.body, baseOffset: NaccsMessageLimits.headerLineLength)
            let problems = code.input.check(values)
            if problems.isEmpty {
                outcome = state.apply(code, values, clock: clock)
            } else {
                outcome.errors = problems.map {
                    SimulatorResultCodes.problem($0, repeated: code.input.repeatCount(of: $0.item) > 1)
                }
            }
        } catch {
            let (item, occurrence) = Self.split(error.field)
            outcome.errors = [SimulatorResultCodes.badBody(item, occurrence)]
            outcome.subject = "offset \(error.offset)"
        }
        let succeeded = !outcome.errors.contains(where: \.isError)
        var bytes = [
            factory.resultNotice(
                echo, code: code, results: outcome.errors.isEmpty ? [.normal] : outcome.errors, values: outcome.result,
                subject: outcome.subject, receivedAt: clock.timestamp)
        ]
        if succeeded, let reply = code.reply, let values = outcome.reply {
            bytes.append(
                factory.output(
                    echo, outputCode: code.replyOutputCode, kind: code.replyKind, layout: reply, values: values,
                    subject: outcome.subject, receivedAt: clock.timestamp))
        }
        let entries = bytes.map { deliver($0, to: user.key) }
        return (entries, succeeded ? outcome.permitLater : nil)
    }

    /// Issues the permit for declaration `number` and delivers the permit notice to `user`'s mailbox.
    func issuePermit(_ number: String, trigger: String, echo: OutputFactory.Echo, user: NaccsSimulatorUser) {
        let clock = Self.clock()
        guard let report = catalog.report(triggeredBy: trigger), let declaration = state.permit(number, clock: clock) else {
            return
        }
        statistics.permitsIssued += 1
        var values = NaccsItemValues(["DNO": number, "PMD": declaration.permitDate, "PMT": declaration.permitTime])
        for item in ["ECN", "BLN", "EXN", "IMN"] where report.layout.field(item) != nil {
            values[item] = declaration.values[item]
        }
        let bytes = factory.output(
            echo, outputCode: report.outputCode, kind: report.kind, layout: report.layout, values: values, subject: number,
            receivedAt: clock.timestamp)
        _ = deliver(bytes, to: user.key)
    }

    /// A result notice that is not held (header errors, refused credentials, busy).
    func unheldNotice(_ echo: OutputFactory.Echo, code: NaccsBusinessCode?, result: NaccsResultCode) -> [UInt8] {
        factory.resultNotice(echo, code: code, results: [result], values: NaccsItemValues(), subject: "", receivedAt: Self.clock().timestamp)
    }

    /// Checks a RETRIEVE credential; nil when accepted, else the A-class code.
    func verify(userCode: String, identificationNumber: String, password: String) -> NaccsResultCode? {
        guard let user = users["\(userCode)/\(identificationNumber)"] else { return SimulatorResultCodes.unknownUser }
        return user.password == password ? nil : SimulatorResultCodes.wrongPassword
    }

    /// Discards the user's outputs up to `after` and returns those above it, waiting up to `wait` for one.
    func retrieve(user: String, after: UInt64, wait: Duration) async -> [MailboxEntry] {
        mailboxes[user]?.entries.removeAll { $0.sequence <= after }
        let held = mailboxes[user]?.entries ?? []
        if !held.isEmpty || wait <= .zero { return held }
        let id = nextWaiter
        nextWaiter += 1
        return await withCheckedContinuation { continuation in
            waiters[id] = Waiter(user: user, after: after, continuation: continuation)
            Task { [weak self] in
                try? await Task.sleep(for: wait)
                await self?.expire(id)
            }
        }
    }

    /// Ends every waiting retrieval (at shutdown).
    func releaseWaiters() {
        let all = waiters.values
        waiters = [:]
        for waiter in all { waiter.continuation.resume(returning: []) }
    }

    private func expire(_ id: Int) {
        waiters.removeValue(forKey: id)?.continuation.resume(returning: [])
    }

    private func deliver(_ bytes: [UInt8], to user: String) -> MailboxEntry {
        var mailbox = mailboxes[user] ?? Mailbox()
        let entry = MailboxEntry(sequence: mailbox.next, bytes: bytes)
        mailbox.next += 1
        mailbox.entries.append(entry)
        if mailbox.entries.count > mailboxLimit { mailbox.entries.removeFirst(mailbox.entries.count - mailboxLimit) }
        mailboxes[user] = mailbox
        for (id, waiter) in waiters where waiter.user == user {
            waiters[id] = nil
            waiter.continuation.resume(returning: mailbox.entries.filter { $0.sequence > waiter.after })
        }
        return entry
    }

    /// `CNO[3]` → ("CNO", 3); `CNO` → ("CNO", 0); `body` → ("0000", 0).
    static func split(_ field: String) -> (String, Int) {
        guard field != "body" else { return ("0000", 0) }
        guard let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"), open < close else { return (field, 0) }
        return (String(field[..<open]), Int(field[field.index(after: open)..<close]) ?? 0)
    }
}
