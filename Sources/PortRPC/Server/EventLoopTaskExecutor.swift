import NIOCore

/// A task executor that runs jobs on one NIO event loop.
///
/// Handlers run in tasks that prefer this executor, started with `Task.immediate` from the event loop: a handler that
/// never suspends completes inline without any thread hop, and one that does suspend resumes on the same loop.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
