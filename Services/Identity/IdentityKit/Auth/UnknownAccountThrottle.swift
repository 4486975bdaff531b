import NIOConcurrencyHelpers

/// Failed logins for e-mail addresses that have no usable account, locked out by the same rule as real accounts, so
/// that RESOURCE_EXHAUSTED after repeated failures does not reveal which addresses exist. Kept in memory (per
/// instance) and bounded: when full, entries without a lock are dropped first.
final class UnknownAccountThrottle: Sendable {
    private struct Entry {
        var failures: Int64
        var lockedUntil: Int64
        var lastFailure: Int64
    }

    private let configuration: IdentityConfiguration
    private let capacity: Int
    private let entries = NIOLockedValueBox([String: Entry]())

    init(configuration: IdentityConfiguration, capacity: Int = 100_000) {
        self.configuration = configuration
        self.capacity = capacity
    }

    /// Microseconds until `email` may try again, or nil when it is not locked.
    func lockedFor(_ email: String, now: Int64) -> Int64? {
        entries.withLockedValue { entries in
            guard let entry = entries[email], entry.lockedUntil > now else { return nil }
            return entry.lockedUntil - now
        }
    }

    /// Records a failure; locks like `AuthAPI` locks a real account.
    func recordFailure(_ email: String, now: Int64) {
        let configuration = self.configuration
        entries.withLockedValue { entries in
            var entry = entries[email] ?? Entry(failures: 0, lockedUntil: 0, lastFailure: now)
            if now - entry.lastFailure > configuration.lockoutMaximum * 1_000_000 { entry.failures = 0 }
            entry.failures += 1
            entry.lastFailure = now
            entry.lockedUntil = Self.lockedUntil(failures: entry.failures, now: now, configuration: configuration)
            if entries[email] == nil && entries.count >= capacity {
                let expired = entries.filter { $0.value.lockedUntil <= now }.map(\.key)
                for key in expired.prefix(max(1, capacity / 8)) { entries[key] = nil }
                if entries.count >= capacity, let any = entries.keys.first { entries[any] = nil }
            }
            entries[email] = entry
        }
    }

    /// The end of the lock after `failures` failures in a row (0 = not locked).
    static func lockedUntil(failures: Int64, now: Int64, configuration: IdentityConfiguration) -> Int64 {
        guard failures >= configuration.lockoutThreshold else { return 0 }
        let doublings = min(failures - configuration.lockoutThreshold, 20)
        return now + min(configuration.lockoutMaximum, configuration.lockoutBase << doublings) * 1_000_000
    }
}
