import Synchronization

/// Wakes one waiting background task (a dispatcher, a worker, a stream watcher) when there is new work.
///
/// Level-triggered: `ring()` resumes the current waiter, or makes the next `wait` return at once, so a ring is never
/// lost between two waits (several rings before a wait count as one). `finish()` ends it for good: the current and
/// every later `wait` return false.
public final class WakeSignal: Sendable {
    private struct State {
        var rung = false
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the current or the next `wait`.
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Ends the signal: the current and every later `wait` return false.
    public func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until rung or until `timeout` has elapsed (true), or until `finish()` or the task's cancellation (false).
    @discardableResult
    public func wait(timeout: Duration) async -> Bool {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForRing() }
            await group.next()
            group.cancelAll()
        }
        return !Task.isCancelled && !state.withLock { $0.finished }
    }

    /// Returns when rung, finished or cancelled (a cancellation does not count as a ring).
    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.finished { return true }
                    if state.rung {
                        state.rung = false
                        return true
                    }
                    if Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
