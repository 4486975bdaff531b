import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds (a vDSO call, no allocation).
@inline(__always)
public func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// The measured window of a phase in CLOCK_MONOTONIC nanoseconds: work done before `start` is warm-up, no new work
/// starts at or after `end`. An operation counts when it *completes* inside the window, so operations that straddle
/// either edge neither inflate nor deflate the rate in the long run.
public struct Window: Sendable {
    public var start: UInt64
    public var end: UInt64

    /// A window that opens `warmup` seconds from now and lasts `duration` seconds.
    public static func starting(afterWarmup warmup: Double, duration: Double) -> Window {
        let now = monotonicNanos()
        let start = now + UInt64(max(0, warmup) * 1e9)
        return Window(start: start, end: start + UInt64(duration * 1e9))
    }

    public var seconds: Double { Double(end - start) / 1e9 }

    @inline(__always)
    public func contains(_ instant: UInt64) -> Bool { instant >= start && instant <= end }
}

/// What one worker (a thread or a task) measured.
public struct WorkerTally: Sendable {
    /// Operations completed inside the window.
    public var operations: UInt64 = 0
    /// Latencies in nanoseconds of the operations completed inside the window (only where latency is recorded).
    public var latencies: [UInt64] = []
    public var errors: UInt64 = 0
    public var firstError: String?

    public mutating func fail(_ description: String) {
        errors += 1
        if firstError == nil { firstError = description }
    }
}

#if canImport(Glibc)
private let RUSAGE_SELF_WHO = __rusage_who_t(RUSAGE_SELF.rawValue)
#else
private let RUSAGE_SELF_WHO = RUSAGE_SELF
#endif

/// CPU time of this process and of the whole machine, to tell how busy a phase kept the cores and how much of them
/// other processes took.
public struct CPUSnapshot: Sendable {
    /// This process, user + system, in seconds.
    public var processSeconds: Double
    /// All cores, busy (not idle, not iowait), in seconds; nil when /proc/stat is unreadable.
    public var machineBusySeconds: Double?
    public var wallNanos: UInt64

    public static func now() -> CPUSnapshot {
        var usage = rusage()
        getrusage(RUSAGE_SELF_WHO, &usage)
        let process = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return CPUSnapshot(processSeconds: process, machineBusySeconds: Self.machineBusy(), wallNanos: monotonicNanos())
    }

    private static func machineBusy() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        let fields = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard fields.count >= 5 else { return nil }
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        let busy = fields.prefix(8).enumerated().filter { $0.offset != 3 && $0.offset != 4 }.map(\.element).reduce(0, +)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return busy / (ticks > 0 ? ticks : 100)
    }
}

/// CPU use over a measured window.
public struct CPUUse: Sendable {
    /// CPU time of this process inside the window, in seconds.
    public var processSeconds: Double
    /// In cores (1.0 = one core busy the whole window).
    public var process: Double
    /// Busy time of the machine not spent in this process (other processes, interrupts), in cores.
    public var others: Double?

    public init(from start: CPUSnapshot, to end: CPUSnapshot) {
        let wall = Double(end.wallNanos - start.wallNanos) / 1e9
        let own = end.processSeconds - start.processSeconds
        processSeconds = own
        guard wall > 0 else {
            process = 0
            others = nil
            return
        }
        process = own / wall
        if let a = start.machineBusySeconds, let b = end.machineBusySeconds {
            others = max(0, (b - a - own) / wall)
        } else {
            others = nil
        }
    }
}

/// Samples the CPU counters when `window` opens and when it closes (a task that sleeps in between: the measured
/// work runs on dedicated threads or awaits I/O, so the wake-ups are prompt).
public func sampleCPU(over window: Window) async -> CPUUse {
    await sleep(untilNanos: window.start)
    let start = CPUSnapshot.now()
    await sleep(untilNanos: window.end)
    return CPUUse(from: start, to: .now())
}

private func sleep(untilNanos instant: UInt64) async {
    let now = monotonicNanos()
    if instant > now { try? await Task.sleep(for: .nanoseconds(Int64(instant - now))) }
}

/// The outcome of one timed phase.
public struct PhaseResult: Sendable {
    public var operations: UInt64
    public var seconds: Double
    /// Sorted latencies in nanoseconds (empty when the phase does not record latency).
    public var latencies: [UInt64]
    public var errors: UInt64
    public var firstError: String?
    public var cpu: CPUUse
    /// Threads or concurrent callers.
    public var parallelism: Int

    public var rate: Double { seconds > 0 ? Double(operations) / seconds : 0 }

    /// Latency at `quantile` in milliseconds (nearest rank), nil without samples.
    public func latencyMillis(_ quantile: Double) -> Double? {
        guard !latencies.isEmpty else { return nil }
        let rank = max(1, Int((quantile * Double(latencies.count)).rounded(.up)))
        return Double(latencies[min(rank, latencies.count) - 1]) / 1e6
    }

    /// CPU time of the whole process per operation, in microseconds (for gRPC phases: Identity and the callers).
    public var cpuMicrosPerOperation: Double? { operations > 0 ? cpu.processSeconds * 1e6 / Double(operations) : nil }

    public init(tallies: [WorkerTally], window: Window, cpu: CPUUse, parallelism: Int) {
        operations = tallies.reduce(0) { $0 + $1.operations }
        seconds = window.seconds
        latencies = tallies.flatMap(\.latencies).sorted()
        errors = tallies.reduce(0) { $0 + $1.errors }
        firstError = tallies.lazy.compactMap(\.firstError).first
        self.cpu = cpu
        self.parallelism = parallelism
    }
}

// MARK: - Running work

/// Runs `body(index)` on `count` dedicated threads (never on Swift's cooperative pool: the work is CPU-bound and
/// synchronous) and returns their results in index order.
public func onThreads<R: Sendable>(_ count: Int, name: String, _ body: @escaping @Sendable (Int) -> R) async -> [R] {
    await withCheckedContinuation { (continuation: CheckedContinuation<[R], Never>) in
        let join = ThreadJoin<R>(count: count, continuation: continuation)
        for index in 0..<count {
            let thread = Thread { join.finish(index, body(index)) }
            thread.name = "\(name)-\(index)"
            thread.start()
        }
    }
}

/// Collects the results of ``onThreads(_:name:_:)`` and resumes the waiting task when the last thread is done.
private final class ThreadJoin<R: Sendable>: Sendable {
    private struct State {
        var results: [Int: R] = [:]
        var continuation: CheckedContinuation<[R], Never>?
    }

    private let count: Int
    private let state: Mutex<State>

    public init(count: Int, continuation: CheckedContinuation<[R], Never>) {
        self.count = count
        state = Mutex(State(continuation: continuation))
    }

    public func finish(_ index: Int, _ result: R) {
        let done = state.withLock { state -> (CheckedContinuation<[R], Never>, [R])? in
            state.results[index] = result
            guard state.results.count == count, let continuation = state.continuation else { return nil }
            state.continuation = nil
            return (continuation, (0..<count).compactMap { state.results[$0] })
        }
        if let (continuation, results) = done { continuation.resume(returning: results) }
    }
}

/// A CPU-bound phase on `threads` threads: each thread calls `operation(thread, iteration)` back to back (in batches of
/// `batch` between clock reads) until the window ends. `operation` returns nil on success or an error description.
public func measureOnThreads(
    threads: Int, name: String, window: Window, batch: Int = 1,
    _ operation: @escaping @Sendable (_ thread: Int, _ iteration: Int) -> String?
) async -> PhaseResult {
    async let cpu = sampleCPU(over: window)
    let tallies = await onThreads(threads, name: name) { thread -> WorkerTally in
        var tally = WorkerTally()
        var iteration = 0
        while true {
            if monotonicNanos() >= window.end { break }
            var failures = 0
            for _ in 0..<batch {
                if let error = operation(thread, iteration) {
                    failures += 1
                    if tally.firstError == nil { tally.firstError = error }
                }
                iteration += 1
            }
            let done = monotonicNanos()
            tally.errors += UInt64(failures)
            if window.contains(done) { tally.operations += UInt64(batch - failures) }
        }
        return tally
    }
    return PhaseResult(tallies: tallies, window: window, cpu: await cpu, parallelism: threads)
}

/// An I/O-bound phase: `callers` concurrent tasks each call `call(caller, iteration)` back to back until the window
/// ends; latencies of calls completed inside the window are recorded.
public func measureCalls(
    callers: Int, window: Window,
    _ call: @escaping @Sendable (_ caller: Int, _ iteration: Int) async throws -> Void
) async -> PhaseResult {
    async let cpu = sampleCPU(over: window)
    let tallies = await withTaskGroup(of: WorkerTally.self, returning: [WorkerTally].self) { group in
        for caller in 0..<callers {
            group.addTask {
                var tally = WorkerTally()
                tally.latencies.reserveCapacity(1 << 14)
                var iteration = 0
                while !Task.isCancelled {
                    let start = monotonicNanos()
                    if start >= window.end { break }
                    do {
                        try await call(caller, iteration)
                        let done = monotonicNanos()
                        if window.contains(done) {
                            tally.operations += 1
                            tally.latencies.append(done - start)
                        }
                    } catch {
                        tally.fail("\(error)")
                        // A failing server must not turn the caller into a busy loop.
                        try? await Task.sleep(for: .milliseconds(10))
                    }
                    iteration += 1
                }
                return tally
            }
        }
        var all: [WorkerTally] = []
        for await tally in group { all.append(tally) }
        return all
    }
    return PhaseResult(tallies: tallies, window: window, cpu: await cpu, parallelism: callers)
}

/// Runs `count` jobs with at most `concurrency` at once (set-up work: creating users, minting tokens).
public func forEachConcurrently<R: Sendable>(
    _ count: Int, concurrency: Int, _ job: @escaping @Sendable (Int) async throws -> R
) async throws -> [R] {
    try await withThrowingTaskGroup(of: (Int, R).self, returning: [R].self) { group in
        var results: [Int: R] = [:]
        var next = 0
        for _ in 0..<min(max(1, concurrency), count) {
            let index = next
            group.addTask { (index, try await job(index)) }
            next += 1
        }
        while let (index, result) = try await group.next() {
            results[index] = result
            if next < count {
                let index = next
                group.addTask { (index, try await job(index)) }
                next += 1
            }
        }
        return (0..<count).map { results[$0]! }
    }
}

/// Ends the process if the benchmark is still running long after it should have finished: a hung server or a lost
/// wake-up must never leave it running on a shared machine.
public func armHardStop(afterSeconds seconds: Double, tool: String) {
    let thread = Thread {
        Thread.sleep(forTimeInterval: seconds)
        let message = "\(tool): still running long after its expected end; exiting\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(3)
    }
    thread.name = "hard-stop"
    thread.start()
}
