#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Identifiers of stored resources: UUID version 7 in lowercase text (36 characters). They sort by creation time,
/// which keeps index inserts local and lets lists paginate by id.
public enum ResourceID {
    /// A new identifier: 48 bits of Unix milliseconds, then 74 random bits.
    public static func generate(now: Int64 = WallClock.nowMicros()) -> String {
        var generator = SystemRandomNumberGenerator()
        let millis = UInt64(max(0, now / 1000)) & 0xFFFF_FFFF_FFFF
        let randA = generator.next() as UInt64
        let randB = generator.next() as UInt64
        let high = (millis << 16) | 0x7000 | (randA & 0x0FFF)
        let low = (randB & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex = hex64(high) + hex64(low)
        let chars = Array(hex)
        return String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-" + String(chars[12..<16]) + "-"
            + String(chars[16..<20]) + "-" + String(chars[20..<32])
    }

    /// Whether `text` has the shape of an identifier this platform issues (lowercase hex UUID).
    public static func isWellFormed(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102)) {
                return false
            }
        }
        return true
    }

    private static func hex64(_ value: UInt64) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

/// Wall-clock time as Unix microseconds, the unit stored in databases.
public enum WallClock {
    /// Now, in microseconds since the Unix epoch.
    public static func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}
