import PortAPI
import PortProtocol
import PortRPC

/// What one worker (one call slot) measured.
struct WorkerResult: Sendable {
    var histogram = LatencyHistogram()
    /// Calls (unary) or messages (streaming) completed inside the measured window.
    var calls: UInt64 = 0
    /// Completed before the measured window (warm-up), or after the deadline.
    var uncountedCalls: UInt64 = 0
    var errors: UInt64 = 0
    /// Responses whose payload did not have the requested size.
    var badResponses: UInt64 = 0
    var firstError: String?

    mutating func merge(_ other: WorkerResult) {
        histogram.merge(other.histogram)
        calls &+= other.calls
        uncountedCalls &+= other.uncountedCalls
        errors &+= other.errors
        badResponses &+= other.badResponses
        if firstError == nil { firstError = other.firstError }
    }

    mutating func complete(sentAt start: UInt64, now: UInt64, window: MeasuredWindow) {
        if start >= window.start && now <= window.end {
            calls &+= 1
            histogram.record(nanos: now &- start)
        } else {
            uncountedCalls &+= 1
        }
    }

    mutating func fail(_ error: any Error) {
        errors &+= 1
        if firstError == nil { firstError = "\(error)" }
    }
}

/// The measured window in CLOCK_MONOTONIC nanoseconds: calls sent before `start` are warm-up, no call is sent
/// after `end`.
struct MeasuredWindow: Sendable {
    var start: UInt64
    var end: UInt64
}

/// The request every call sends and the check of its response.
struct Workload: Sendable {
    let request: Grpc_Testing_SimpleRequest
    let responseSize: Int

    init(requestSize: Int, responseSize: Int) {
        var request = Grpc_Testing_SimpleRequest()
        request.responseSize = Int32(responseSize)
        if requestSize > 0 {
            var payload = Grpc_Testing_Payload()
            payload.body = [UInt8](repeating: 0, count: requestSize)
            request.payload = payload
        }
        self.request = request
        self.responseSize = responseSize
    }

    func isValid(_ response: Grpc_Testing_SimpleResponse) -> Bool {
        (response.payload?.body.count ?? 0) == responseSize
    }
}

/// Pause after a failed call so that a dead server does not turn the worker into a busy loop.
private func pauseAfterError() async {
    try? await Task.sleep(for: .milliseconds(10))
}

/// Unary calls back to back until the window ends.
func runUnaryWorker(client: RPCClient, workload: Workload, window: MeasuredWindow) async -> WorkerResult {
    var result = WorkerResult()
    while !Task.isCancelled {
        let start = monotonicNanos()
        if start >= window.end { break }
        do {
            let response = try await client.unary(
                Grpc_Testing_BenchmarkService.Method.unaryCall, request: workload.request,
                responseType: Grpc_Testing_SimpleResponse.self)
            let now = monotonicNanos()
            if workload.isValid(response) {
                result.complete(sentAt: start, now: now, window: window)
            } else {
                result.badResponses &+= 1
            }
        } catch {
            if Task.isCancelled { break }
            result.fail(error)
            await pauseAfterError()
        }
    }
    return result
}

/// Ping-pong on StreamingCall: one request, wait for its response, the next request, … until the window ends;
/// then half-close and wait for the server to end the stream. A failed stream is replaced by a new one.
func runStreamingWorker(client: RPCClient, workload: Workload, window: MeasuredWindow) async -> WorkerResult {
    var result = WorkerResult()
    let service = Grpc_Testing_BenchmarkServiceClient(client)
    while !Task.isCancelled && monotonicNanos() < window.end {
        // The response side hands out one send permit at a time: first at the start, then after each response.
        let (permits, permit) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)
        do {
            try await service.streamingCall(
                requests: { writer in
                    for await _ in permits { try await writer.write(workload.request) }
                },
                onResponse: { responses in
                    var sentAt = monotonicNanos()
                    permit.yield()
                    for try await response in responses {
                        let now = monotonicNanos()
                        if workload.isValid(response) {
                            result.complete(sentAt: sentAt, now: now, window: window)
                        } else {
                            result.badResponses &+= 1
                        }
                        if now >= window.end || Task.isCancelled {
                            permit.finish()
                        } else {
                            sentAt = monotonicNanos()
                            permit.yield()
                        }
                    }
                    permit.finish()
                })
        } catch {
            permit.finish()
            if Task.isCancelled { break }
            result.fail(error)
            await pauseAfterError()
        }
    }
    return result
}
