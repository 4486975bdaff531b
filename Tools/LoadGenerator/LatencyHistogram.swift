/// A log-linear latency histogram in nanoseconds: exact below 128 ns, then 64 buckets per power of two (≤ 1.6 %
/// relative error), up to about 2^46 ns (19 hours). Recording is an index computation and an increment.
struct LatencyHistogram: Sendable {
    private static let subBuckets = 64
    private static let linearLimit = 128
    private static let maxShift = 40
    private static let bucketCount = linearLimit + maxShift * subBuckets

    private(set) var counts = [UInt64](repeating: 0, count: bucketCount)
    private(set) var total: UInt64 = 0
    private(set) var sumNanos: Double = 0
    private(set) var maxNanos: UInt64 = 0

    mutating func record(nanos: UInt64) {
        counts[Self.index(of: nanos)] &+= 1
        total &+= 1
        sumNanos += Double(nanos)
        if nanos > maxNanos { maxNanos = nanos }
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        total &+= other.total
        sumNanos += other.sumNanos
        maxNanos = max(maxNanos, other.maxNanos)
    }

    /// The value at `quantile` (0…1): the midpoint of the bucket holding that rank, never above the maximum seen.
    func value(atQuantile quantile: Double) -> UInt64 {
        guard total > 0 else { return 0 }
        let rank = max(1, UInt64((quantile * Double(total)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen &+= count
            if seen >= rank { return min(Self.midpoint(of: index), maxNanos) }
        }
        return maxNanos
    }

    var meanNanos: Double { total == 0 ? 0 : sumNanos / Double(total) }

    static func index(of nanos: UInt64) -> Int {
        if nanos < UInt64(linearLimit) { return Int(nanos) }
        let shift = min(UInt64.bitWidth - nanos.leadingZeroBitCount - 7, maxShift)
        let mantissa = min(Int(truncatingIfNeeded: nanos >> UInt64(shift)), 2 * subBuckets - 1)
        return linearLimit + (shift - 1) * subBuckets + (mantissa - subBuckets)
    }

    static func midpoint(of index: Int) -> UInt64 {
        if index < linearLimit { return UInt64(index) }
        let shift = (index - linearLimit) / subBuckets + 1
        let mantissa = UInt64((index - linearLimit) % subBuckets + subBuckets)
        return (mantissa << UInt64(shift)) + (UInt64(1) << UInt64(shift)) / 2
    }
}
