import PortProtocol
import Synchronization

/// The serving status of each hosted service ("" = the server as a whole), observable by Watch calls.
public final class HealthRegistry: Sendable {
    public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

    private struct State {
        var statuses: [String: Status] = [:]
        var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
        var nextWatcher = 0
        var closed = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Sets the status of a service and notifies its watchers when it changed.
    public func set(_ service: String, _ status: Status) {
        let watchers = state.withLock { state -> [AsyncStream<Status>.Continuation] in
            guard state.statuses[service] != status else { return [] }
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for watcher in watchers { watcher.yield(status) }
    }

    /// Sets every registered service (and "") to `status`, e.g. NOT_SERVING when shutting down.
    public func setAll(_ status: Status) {
        for service in state.withLock({ Array($0.statuses.keys) }) { set(service, status) }
    }

    /// Ends every Watch stream (at shutdown, after the final NOT_SERVING was sent).
    public func close() {
        let watchers = state.withLock { state -> [AsyncStream<Status>.Continuation] in
            state.closed = true
            return state.watchers.values.map(\.continuation)
        }
        for watcher in watchers { watcher.finish() }
    }

    /// The current status, or nil for a service that was never registered.
    public func status(of service: String) -> Status? {
        state.withLock { $0.statuses[service] }
    }

    /// The current status (SERVICE_UNKNOWN for unknown names) followed by every change, until the consumer stops.
    public func updates(for service: String) -> AsyncStream<Status> {
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { state -> Int in
            let id = state.nextWatcher
            state.nextWatcher += 1
            state.watchers[id] = (service, continuation)
            continuation.yield(state.statuses[service] ?? .serviceUnknown)
            if state.closed { continuation.finish() }
            return id
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}
