import NIOCore

/// A token bucket: `burst` tokens, refilled at `perSecond`; used to rate-limit what a peer makes the server do.
struct TokenBucket {
    private let burst: Double
    private let perSecond: Double
    private var tokens: Double
    private var lastRefill: NIODeadline

    init(burst: Int, perSecond: Int) {
        self.burst = Double(burst)
        self.perSecond = Double(perSecond)
        self.tokens = Double(burst)
        self.lastRefill = .now()
    }

    /// Takes one token; false when the bucket is empty (the limit is exceeded).
    mutating func take(now: NIODeadline = .now()) -> Bool {
        let elapsed = Double((now - lastRefill).nanoseconds) / 1e9
        if elapsed > 0 {
            tokens = min(burst, tokens + elapsed * perSecond)
            lastRefill = now
        }
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
