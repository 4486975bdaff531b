import NIOConcurrencyHelpers

/// Wakes the watchers of a deal (WatchDeal streams) after a change to it has committed. In-process only: watchers
/// read what changed from the timeline table, so a missed wake-up costs latency, never data (they also re-read
/// periodically, which covers changes committed by other instances on a shared PostgreSQL).
final class DealChangeNotifier: Sendable {
    private struct State {
        var watchers: [ObjectIdentifier: (deal: String, signal: WatchSignal)] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Signals the watchers of `dealNumber`. Call it after the write transaction committed.
    func dealChanged(_ dealNumber: String) {
        let targets = state.withLockedValue { $0.watchers.values.filter { $0.deal == dealNumber }.map(\.signal) }
        for signal in targets { signal.signal() }
    }

    /// A signal that fires whenever `dealNumber` changes; pass it to `stop` when done. Already finished when the
    /// notifier is closed.
    func watch(_ dealNumber: String) -> WatchSignal {
        let signal = WatchSignal()
        let closed = state.withLockedValue { state in
            if !state.closed { state.watchers[ObjectIdentifier(signal)] = (dealNumber, signal) }
            return state.closed
        }
        if closed { signal.finish() }
        return signal
    }

    /// Forgets `signal`.
    func stop(_ signal: WatchSignal) {
        _ = state.withLockedValue { $0.watchers.removeValue(forKey: ObjectIdentifier(signal)) }
    }

    /// Ends every watch (the server is draining): their waits return false from now on.
    func close() {
        let all = state.withLockedValue { state in
            state.closed = true
            defer { state.watchers = [:] }
            return state.watchers.values.map(\.signal)
        }
        for signal in all { signal.finish() }
    }
}

/// A level-triggered wake-up for one watcher: `signal` before or during `wait` makes the wait return true.
final class WatchSignal: Sendable {
    private struct State {
        var pending = false
        var finished = false
        var waiter: CheckedContinuation<Bool, Never>?
        var generation: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Wakes the current or next `wait`.
    func signal() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume(returning: true)
    }

    /// Ends the watch: the current and every later `wait` return false.
    func finish() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: false)
    }

    /// Waits for a signal or `timeout` (true), or for `finish` or task cancellation (false).
    func wait(timeout: Duration) async -> Bool {
        let generation = state.withLockedValue { state -> UInt64 in
            state.generation += 1
            return state.generation
        }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            self?.expire(generation)
        }
        defer { timer.cancel() }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLockedValue { state -> Bool? in
                    if state.finished || Task.isCancelled { return false }
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            finishWaiter(returning: false)
        }
    }

    private func expire(_ generation: UInt64) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            guard state.generation == generation else { return nil }
            guard let waiter = state.waiter else {
                state.pending = true  // the wait has not parked yet: let it return at once
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: true)
    }

    private func finishWaiter(returning value: Bool) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Bool, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }
}
