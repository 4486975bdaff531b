import BenchKit
import Logging
import Synchronization

/// Counts the write transactions PortStore re-ran after a PostgreSQL serialization failure or deadlock (SQLite never
/// re-runs): PortStore logs each re-run at debug level ("write transaction re-run after a serialization failure"),
/// and Deals' database gets a logger whose handler counts those lines inside the current phase's measured window.
final class StoreRetryTally: Sendable {
    private struct State {
        var window: Window?
        var count: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Starts counting the re-runs inside `window` (from zero).
    func measure(_ window: Window) {
        state.withLock { $0 = State(window: window) }
    }

    /// The re-runs counted inside the window given to ``measure(_:)``.
    var count: UInt64 { state.withLock { $0.count } }

    fileprivate func record() {
        let now = monotonicNanos()
        state.withLock { state in
            if state.window?.contains(now) == true { state.count += 1 }
        }
    }

    /// A logger for Deals' database: counts the re-runs and prints what reaches `level` as the other loggers do.
    func logger(label: String, level: Logger.Level) -> Logger {
        Logger(label: label) { label in
            var forward = StreamLogHandler.standardError(label: label)
            forward.logLevel = level
            return RetryCountingLogHandler(tally: self, forward: forward)
        }
    }
}

/// Passes events on to `forward` (at its level) after counting PortStore's re-run lines.
private struct RetryCountingLogHandler: LogHandler {
    let tally: StoreRetryTally
    var forward: StreamLogHandler
    /// Debug, so that the re-run lines arrive here.
    var logLevel: Logger.Level = .debug
    var metadata: Logger.Metadata {
        get { forward.metadata }
        set { forward.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { forward[metadataKey: key] }
        set { forward[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if event.level == .debug, event.message.description.hasPrefix("write transaction re-run") { tally.record() }
        if event.level >= forward.logLevel { forward.log(event: event) }
    }
}
