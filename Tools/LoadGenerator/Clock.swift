#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CLOCK_MONOTONIC in nanoseconds (a vDSO call, no allocation).
@inline(__always)
func monotonicNanos() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Ends the process if the load generator has not stopped by itself long after its deadline: a hung server or a
/// lost wake-up must never leave a load generator running.
func armHardStop(afterSeconds seconds: Double) {
    let nanos = UInt64(seconds * 1e9)
    var thread = pthread_t()
    let context = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
    context.initialize(to: nanos)
    let created = pthread_create(&thread, nil, { raw in
        guard let pointer = raw?.assumingMemoryBound(to: UInt64.self) else { return nil }
        let nanos = pointer.pointee
        var wait = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&wait, &remaining) != 0 { wait = remaining }
        let message = "port-load: still running long after the deadline; exiting\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        _exit(3)
    }, context)
    if created == 0 { pthread_detach(thread) }
}
