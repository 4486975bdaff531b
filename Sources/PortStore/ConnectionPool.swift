import Synchronization

/// A fixed number of connection slots leased to one operation at a time, with a FIFO queue of waiting tasks (no busy
/// waiting; a cancelled waiter leaves the queue). A slot holds a connection or nil (not connected yet, or discarded
/// after it broke); the leaseholder connects it when needed and gives back what it has.
///
/// `Connection` objects are not thread-safe; the lease is what hands one to a single thread at a time (the lock and
/// the continuation give the needed happens-before edges), hence `@unchecked Sendable` on the connection classes.
final class ConnectionPool<Connection: AnyObject & Sendable>: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Connection?, any Error>
    }

    private struct State {
        var idle: [Connection?]
        var waiters: [Waiter] = []
        var waiterHead = 0
        var nextWaiterID: UInt64 = 0
        var leased = 0
        var closed = false
        var drained: [CheckedContinuation<Void, Never>] = []

        /// The most recently released connected slot (warm caches), else an empty slot; nil when none is idle.
        mutating func takeIdle() -> Connection?? {
            if let index = idle.lastIndex(where: { $0 != nil }) { return idle.remove(at: index) }
            return idle.popLast()
        }

        mutating func popWaiter() -> Waiter? {
            guard waiterHead < waiters.count else { return nil }
            let waiter = waiters[waiterHead]
            waiterHead += 1
            if waiterHead > 64, waiterHead * 2 > waiters.count {
                waiters.removeFirst(waiterHead)
                waiterHead = 0
            }
            return waiter
        }

        mutating func removeWaiter(id: UInt64) -> Waiter? {
            guard let index = waiters[waiterHead...].firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }

        mutating func takeAllWaiters() -> [Waiter] {
            defer {
                waiters = []
                waiterHead = 0
            }
            return Array(waiters[waiterHead...])
        }
    }

    private enum LeaseOutcome {
        case slot(Connection?)
        case closed
        case cancelled
        case wait(UInt64)
        case queued
    }

    private enum ReleaseAction {
        case handOver(Waiter)
        case drained([CheckedContinuation<Void, Never>])
        case none
    }

    private let state: Mutex<State>

    /// A pool with the given slots (nil slots are connected by their first leaseholder).
    init(slots: [Connection?]) {
        precondition(!slots.isEmpty, "a pool needs at least one slot")
        state = Mutex(State(idle: slots))
    }

    /// Waits for a free slot and leases it. Throws `StoreError.closed` once the pool is closed, and
    /// `CancellationError` when the task is cancelled while waiting.
    func lease() async throws -> Connection? {
        let id = state.withLock { state -> LeaseOutcome in
            if state.closed { return .closed }
            if let slot = state.takeIdle() {
                state.leased += 1
                return .slot(slot)
            }
            state.nextWaiterID += 1
            return .wait(state.nextWaiterID)
        }
        let waiterID: UInt64
        switch id {
        case .slot(let slot): return slot
        case .closed: throw StoreError.closed
        case .wait(let id): waiterID = id
        case .cancelled, .queued: preconditionFailure("not an outcome of the first attempt")
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Connection?, any Error>) in
                let outcome = state.withLock { state -> LeaseOutcome in
                    if state.closed { return .closed }
                    if let slot = state.takeIdle() {
                        state.leased += 1
                        return .slot(slot)
                    }
                    // Checked under the lock: a cancellation handler that ran before we queued found nothing to
                    // remove, but it ran after the flag was set.
                    if Task.isCancelled { return .cancelled }
                    state.waiters.append(Waiter(id: waiterID, continuation: continuation))
                    return .queued
                }
                switch outcome {
                case .slot(let slot): continuation.resume(returning: slot)
                case .closed: continuation.resume(throwing: StoreError.closed)
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .queued, .wait: break
                }
            }
        } onCancel: {
            state.withLock { $0.removeWaiter(id: waiterID) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Gives a leased slot back: to the longest waiting task, or to the idle slots.
    func release(_ connection: Connection?) {
        let action = state.withLock { state -> ReleaseAction in
            if !state.closed, let waiter = state.popWaiter() {
                return .handOver(waiter)  // the lease passes on: `leased` is unchanged
            }
            state.leased -= 1
            state.idle.append(connection)
            if state.closed, state.leased == 0 {
                defer { state.drained = [] }
                return .drained(state.drained)
            }
            return .none
        }
        switch action {
        case .handOver(let waiter): waiter.continuation.resume(returning: connection)
        case .drained(let continuations): continuations.forEach { $0.resume() }
        case .none: break
        }
    }

    /// Closes the pool: waiting and later `lease` calls throw `StoreError.closed`. Waits until every leased slot is
    /// back, then returns the connections (each once; later calls return none) for the caller to close.
    func close() async -> [Connection] {
        let waiters = state.withLock { state -> [Waiter] in
            state.closed = true
            return state.takeAllWaiters()
        }
        waiters.forEach { $0.continuation.resume(throwing: StoreError.closed) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.leased == 0 { return true }
                state.drained.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { state in
            defer { state.idle = [] }
            return state.idle.compactMap { $0 }
        }
    }
}
