import Foundation
import Logging
import NaccsLink
import NaccsMessages
import PortCrypto
import PortServiceKit
import PortStore
import Synchronization

/// Transmits stored sends through the NACCS link. A scheduler looks for credentials with work (sends queued or in
/// doubt, sends waiting for a later output) and runs one loop per credential it can lease: the credential's sends go
/// out one at a time in the order they were made, while different credentials proceed in parallel.
///
/// Per send: it is marked TRANSMITTING (durably) before it is handed to the link. A transient failure that did not
/// reach NACCS (busy, no connection, lost before sending) requeues it with backoff. When the outcome is unknown (the
/// connection was lost after sending, a timeout, "another input in progress", or a crash of this process while it was
/// TRANSMITTING), the loop reconciles: it retrieves the credential's mailbox and looks for the outputs echoing the
/// send's input-information id; only when NACCS holds none after waiting is the send transmitted again, with the
/// same id. Permanent failures (input that does not fit, a refused credential, the retry limit) end FAILED; NACCS's own
/// error codes end REJECTED.
final class RelayWorker: Sendable {
    private let context: NaccsContext
    private let link: any NaccsLink
    private let recorder: OutputRecorder
    private let lease = ResourceID.generate()
    private struct State {
        var running: Set<String> = []
        var tasks: [Task<Void, Never>] = []
        var stopped = false
    }

    private let state = Mutex(State())

    /// `notify` is called after outputs were stored (it wakes the webhook dispatcher).
    init(context: NaccsContext, link: any NaccsLink, notify: @escaping @Sendable () -> Void) {
        self.context = context
        self.link = link
        recorder = OutputRecorder(context: context, notify: notify)
    }

    private var settings: NaccsRelaySettings { context.settings }
    private var logger: Logger { context.logger }

    func start() {
        let scheduler = Task { await self.schedule() }
        let writeBack = Task { await self.writeBackLoop() }
        state.withLock { $0.tasks += [scheduler, writeBack] }
    }

    func stop() async {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            state.stopped = true
            return state.tasks
        }
        context.work.ring()
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    private var stopped: Bool { state.withLock { $0.stopped } || Task.isCancelled }

    // MARK: Scheduling

    private func schedule() async {
        var lastPrune = ContinuousClock.now
        while !stopped {
            do {
                let since = WallClock.nowMicros() - micros(settings.outputRetention)
                let credentials = try await context.database.read { session in
                    try SendQueries(session: session).credentialsWithWork(since: since)
                }
                for credential in credentials { launch(credential) }
                if ContinuousClock.now - lastPrune > .seconds(600) {
                    lastPrune = .now
                    let pruned = try await context.database.write { try OutputQueries(session: $0).prune(now: WallClock.nowMicros()) }
                    if pruned > 0 { logger.info("pruned NACCS outputs past retention", metadata: ["count": "\(pruned)"]) }
                }
            } catch {
                if !stopped { logger.warning("the NACCS relay scheduler could not read its work", metadata: ["error": "\(error)"]) }
            }
            await context.work.wait(timeout: settings.pollInterval)
        }
    }

    private func launch(_ credential: String) {
        state.withLock { state in
            guard !state.stopped, state.running.count < settings.maxConcurrentCredentials,
                state.running.insert(credential).inserted
            else { return }
            state.tasks.removeAll { $0.isCancelled }
            state.tasks.append(
                Task {
                    await self.work(credential)
                    _ = self.state.withLock { $0.running.remove(credential) }
                })
        }
    }

    // MARK: One credential

    private func work(_ credentialID: String) async {
        do {
            guard try await claim(credentialID) else { return }
            defer { Task { [context, lease] in try? await context.database.write { try CredentialQueries(session: $0).release(credentialID, lease: lease) } } }
            while !stopped {
                guard try await claim(credentialID),
                    let credential = try await context.database.read({ try CredentialQueries(session: $0).find(credentialID) })
                else { return }
                let head = try await context.database.read { try SendQueries(session: $0).head(credential: credentialID) }
                if let head {
                    let wait = head.nextAttemptAt - WallClock.nowMicros()
                    if wait > 0 {
                        try await Task.sleep(for: .microseconds(min(wait, micros(settings.pollInterval))))
                        continue
                    }
                    guard let secret = open(credential) else {
                        try await fail(head, "the credential's password cannot be opened with the configured key-encryption key")
                        continue
                    }
                    if head.state == .transmitting {
                        try await reconcile(head, credential: credential, secret: secret)
                    } else {
                        try await transmit(head, credential: credential, secret: secret)
                    }
                    continue
                }
                let since = WallClock.nowMicros() - micros(settings.outputRetention)
                let awaiting = try await context.database.read {
                    try SendQueries(session: $0).awaitingReports(credential: credentialID, since: since)
                }
                guard awaiting > 0, let secret = open(credential) else { return }
                do {
                    let outputs = try await link.retrieveOutputs(
                        for: secret, after: UInt64(max(0, credential.mailboxCursor)), waitingUpTo: settings.mailboxWait)
                    try await recorder.record(outputs, credential: credential, advancingCursor: true)
                } catch let error as NaccsLinkError {
                    logger.warning("NACCS mailbox retrieval failed", metadata: ["credential": "\(credential.userCode)/\(credential.identificationNumber)", "error": "\(error)"])
                    try await Task.sleep(for: settings.pollInterval)
                }
            }
        } catch {
            if !stopped {
                logger.warning("a NACCS credential worker stopped", metadata: ["credential": "\(credentialID)", "error": "\(error)"])
            }
        }
    }

    private func claim(_ credentialID: String) async throws -> Bool {
        let now = WallClock.nowMicros()
        let expires = now + micros(settings.leaseDuration)
        let lease = self.lease
        return try await context.database.write { try CredentialQueries(session: $0).claim(credentialID, lease: lease, now: now, expires: expires) }
    }

    private func open(_ credential: CredentialRecord) -> NaccsCredential? {
        guard let vault = context.vault, let password = try? vault.open(credential.sealedPassword) else { return nil }
        return NaccsCredential(
            userCode: credential.userCode, identificationNumber: credential.identificationNumber,
            password: String(decoding: password, as: UTF8.self))
    }

    // MARK: One send

    private func transmit(_ send: SendRecord, credential: CredentialRecord, secret: NaccsCredential) async throws {
        var marked = send
        marked.state = .transmitting
        marked.attempts += 1
        let markedCopy = marked
        try await context.database.write { try SendQueries(session: $0).update(markedCopy) }
        let message = NaccsInputMessage(
            header: NaccsInputHeader(
                businessCode: send.businessCode, inputInformationID: send.inputID, indexHandOver: "deal \(send.dealNumber)"),
            body: send.body)
        do {
            let outputs = try await link.send(message, as: secret)
            if outputs.contains(where: OutputRecorder.isInProgressNotice) {
                // Another input of this credential is still being processed (e.g. one sent before a crash): the
                // outcome of ours is unknown until the mailbox says.
                try await postpone(marked, error: "NACCS reports another input of this user in progress")
                return
            }
            let completed = try await recorder.record(outputs, credential: credential, advancingCursor: false)
            if !completed.contains(where: { $0.id == send.id }) {
                try await postpone(marked, error: "NACCS answered without a processing-result notice")
            }
            logger.debug("NACCS send transmitted", metadata: ["send": "\(send.name)", "code": "\(send.businessCode)"])
        } catch let error as NaccsLinkError {
            switch error {
            case _ where error.outcomeUnknown:
                try await postpone(marked, error: error.description)
            case .permanent(.malformedOutput), .permanent(.protocolViolation):
                try await postpone(marked, error: error.description)
            case .transient:
                try await requeue(marked, error: error.description)
            case .permanent(.shutDown):
                return
            case .permanent:
                try await fail(marked, error.description)
            }
        }
    }

    /// Looks in the mailbox for the outputs of an input whose outcome is unknown. Found: the send is complete. Not
    /// found after waiting `reconcileWait` with nothing more arriving: NACCS did not process it, so it is requeued.
    private func reconcile(_ send: SendRecord, credential start: CredentialRecord, secret: NaccsCredential) async throws {
        var credential = start
        do {
            while !stopped {
                let outputs = try await link.retrieveOutputs(
                    for: secret, after: UInt64(max(0, credential.mailboxCursor)), waitingUpTo: settings.reconcileWait)
                try await recorder.record(outputs, credential: credential, advancingCursor: true)
                let current = try await context.database.read { try SendQueries(session: $0).find(send.id) }
                guard let current, current.state == .transmitting else {
                    logger.info("NACCS send reconciled from the mailbox", metadata: ["send": "\(send.name)"])
                    return
                }
                if outputs.isEmpty { break }
                if let highest = outputs.map(\.sequence).max() { credential.mailboxCursor = max(credential.mailboxCursor, Int64(highest)) }
            }
            guard !stopped else { return }
            logger.info("NACCS holds no output of the send: transmitting it again", metadata: ["send": "\(send.name)"])
            try await requeue(send, error: "not processed by NACCS; sent again", immediately: true)
        } catch let error as NaccsLinkError {
            if case .permanent(.rejected) = error { return try await fail(send, error.description) }
            try await postpone(send, error: error.description)
        }
    }

    /// Back to QUEUED after a failure that did not reach NACCS, or FAILED past the retry limit.
    private func requeue(_ send: SendRecord, error: String, immediately: Bool = false) async throws {
        guard send.attempts < Int64(settings.retry.maxAttempts) else {
            return try await fail(send, "gave up after \(send.attempts) attempts: \(error)")
        }
        var updated = send
        updated.state = .queued
        updated.error = error
        updated.nextAttemptAt = WallClock.nowMicros()
            + (immediately ? 0 : micros(settings.retry.delay(afterAttempts: Int(send.attempts))))
        let final = updated
        try await context.database.write { try SendQueries(session: $0).update(final) }
        logger.info("NACCS send requeued", metadata: ["send": "\(send.name)", "attempts": "\(send.attempts)", "reason": "\(error)"])
    }

    /// Stays TRANSMITTING (outcome unknown) and is reconciled after a backoff.
    private func postpone(_ send: SendRecord, error: String) async throws {
        var updated = send
        updated.state = .transmitting
        updated.error = error
        updated.nextAttemptAt = WallClock.nowMicros() + micros(settings.retry.delay(afterAttempts: Int(send.attempts)))
        let final = updated
        try await context.database.write { try SendQueries(session: $0).update(final) }
        logger.info("NACCS send outcome unknown; reconciling", metadata: ["send": "\(send.name)", "reason": "\(error)"])
    }

    private func fail(_ send: SendRecord, _ error: String) async throws {
        var updated = send
        updated.state = .failed
        updated.error = error
        updated.completedAt = WallClock.nowMicros()
        let final = updated
        try await context.database.write { try SendQueries(session: $0).update(final) }
        logger.warning("NACCS send failed", metadata: ["send": "\(send.name)", "reason": "\(error)"])
    }

    // MARK: Write-back to Deals

    private func writeBackLoop() async {
        while !stopped {
            do {
                let now = WallClock.nowMicros()
                let due = try await context.database.read { session in
                    try session.query(
                        """
                        SELECT id, deal_number, organization, business_code, payload, attempts FROM naccs_deal_updates
                        WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY created_at, id LIMIT 50
                        """, .int(now)
                    ).map { row in
                        (id: try row.string("id"), deal: try row.string("deal_number"), organization: try row.string("organization"),
                         code: try row.string("business_code"), payload: try row.string("payload"), attempts: try row.int("attempts"))
                    }
                }
                for update in due where !stopped {
                    let values = (try? JSONDecoder().decode([String: String].self, from: Data(update.payload.utf8))) ?? [:]
                    do {
                        try await context.deals.recordInformation(
                            deal: update.deal, organization: update.organization, businessCode: update.code,
                            values: values.keys.sorted().map { ($0, values[$0] ?? "") })
                        try await context.database.write {
                            try $0.execute("UPDATE naccs_deal_updates SET status = 'done' WHERE id = $1", .text(update.id))
                        }
                    } catch {
                        let attempts = update.attempts + 1
                        let next = WallClock.nowMicros() + micros(settings.retry.delay(afterAttempts: Int(attempts)))
                        let status = attempts >= Int64(settings.retry.maxAttempts) * 4 ? "failed" : "pending"
                        try await context.database.write {
                            try $0.execute(
                                "UPDATE naccs_deal_updates SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5 WHERE id = $1",
                                .text(update.id), .int(attempts), .int(next), .text(status), .text("\(error)"))
                        }
                        logger.warning("writing NACCS information to Deals failed", metadata: ["deal": "\(update.deal)", "error": "\(error)"])
                    }
                }
            } catch {
                if !stopped { logger.warning("the NACCS write-back could not read its work", metadata: ["error": "\(error)"]) }
            }
            await context.writeBacks.wait(timeout: settings.pollInterval)
        }
    }
}

/// Microseconds in `duration`.
func micros(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
}
