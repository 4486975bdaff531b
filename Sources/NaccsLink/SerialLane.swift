import NIOConcurrencyHelpers
import NIOCore

/// A first-in first-out async lock with the connection it guards: the calls of one lane run one at a time, in the
/// order they arrived. `NaccsTCPLink` keeps one lane per credential for inputs (one message in flight per
/// credential, as NACCS requires) and one per credential for retrievals.
final class SerialLane: Sendable {
    private struct State {
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        var channel: (any Channel)?
    }

    private let state = NIOLockedValueBox(State())

    /// Waits for the lane.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLockedValue { state -> Bool in
                if !state.busy {
                    state.busy = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    /// Hands the lane to the next waiter, or frees it.
    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    /// The lane's connection (only touched by the lane's holder, and by shutdown).
    var channel: (any Channel)? {
        get { state.withLockedValue { $0.channel } }
        set { state.withLockedValue { $0.channel = newValue } }
    }
}
