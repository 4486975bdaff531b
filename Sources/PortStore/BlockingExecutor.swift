import NIOPosix
import Synchronization

/// The dedicated threads on which every blocking SQLite and libpq call runs, so that none of them blocks a NIO event
/// loop or a thread of Swift's cooperative pool. Sized to the number of connections: an operation holds a connection
/// lease before it submits work, so work never queues behind another connection's.
final class BlockingExecutor: Sendable {
    private let threadPool: NIOThreadPool
    /// Set by `shutdown()`: NIO reports work submitted to a stopped pool as a cancellation, which this tells apart.
    private let closed = Atomic<Bool>(false)

    init(threads: Int) {
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
    }

    /// Runs `body` on one of the threads. Throws `CancellationError` (without running `body`) when the task is
    /// cancelled before a thread picks it up, and `StoreError.closed` after `shutdown()`.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await threadPool.runIfActive(body)
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw StoreError.closed
        } catch is CancellationError where closed.load(ordering: .acquiring) {
            throw StoreError.closed
        }
    }

    /// Stops the threads once the submitted work is done.
    func shutdown() async {
        closed.store(true, ordering: .releasing)
        try? await threadPool.shutdownGracefully()
    }
}
