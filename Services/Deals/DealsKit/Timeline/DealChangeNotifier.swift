import NIOConcurrencyHelpers
import PortServiceKit

/// Wakes the watchers of a deal (WatchDeal streams) after a change to it has committed. In-process only: watchers
/// read what changed from the timeline table, so a missed wake-up costs latency, never data (they also re-read
/// periodically, which covers changes committed by other instances on a shared PostgreSQL).
final class DealChangeNotifier: Sendable {
    private struct State {
        var watchers: [ObjectIdentifier: (deal: String, signal: WakeSignal)] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Rings the watchers of `dealNumber`. Call it after the write transaction committed.
    func dealChanged(_ dealNumber: String) {
        let targets = state.withLockedValue { $0.watchers.values.filter { $0.deal == dealNumber }.map(\.signal) }
        for signal in targets { signal.ring() }
    }

    /// A signal rung whenever `dealNumber` changes; pass it to `stop` when done. Already finished when the notifier
    /// is closed.
    func watch(_ dealNumber: String) -> WakeSignal {
        let signal = WakeSignal()
        let closed = state.withLockedValue { state in
            if !state.closed { state.watchers[ObjectIdentifier(signal)] = (dealNumber, signal) }
            return state.closed
        }
        if closed { signal.finish() }
        return signal
    }

    /// Forgets `signal`.
    func stop(_ signal: WakeSignal) {
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
