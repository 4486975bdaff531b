import NIOConcurrencyHelpers

/// Wakes the watchers of a deal (WatchDeal streams) after a change to it has committed. In-process only: watchers
/// read what changed from the timeline table, so a missed wake-up costs latency, never data (they also re-read
/// periodically, which covers changes committed by other instances on a shared PostgreSQL).
final class DealChangeNotifier: Sendable {
    private struct Watcher {
        let dealNumber: String
        let continuation: AsyncStream<Void>.Continuation
    }

    private let watchers = NIOLockedValueBox<[UInt64: Watcher]>([:])
    private let nextID = NIOLockedValueBox<UInt64>(0)

    init() {}

    /// Signals the watchers of `dealNumber`. Call it after the write transaction committed.
    func dealChanged(_ dealNumber: String) {
        let targets = watchers.withLockedValue { $0.values.filter { $0.dealNumber == dealNumber } }
        for watcher in targets { watcher.continuation.yield() }
    }

    /// A stream that yields (coalesced) whenever `dealNumber` changes, until `stop` is called with the returned id.
    func watch(_ dealNumber: String) -> (id: UInt64, changes: AsyncStream<Void>) {
        let id = nextID.withLockedValue { value in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        watchers.withLockedValue { $0[id] = Watcher(dealNumber: dealNumber, continuation: continuation) }
        return (id, stream)
    }

    /// Ends the stream returned by `watch`.
    func stop(_ id: UInt64) {
        let watcher = watchers.withLockedValue { $0.removeValue(forKey: id) }
        watcher?.continuation.finish()
    }
}
