/// The `grpc-timeout` header: an ASCII integer of at most 8 digits followed by a unit (H, M, S, m, u, n).
enum GRPCTimeout {
    /// Parses a header value into nanoseconds; nil when malformed.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        guard bytes.count >= 2, bytes.count <= 9 else { return nil }
        var amount: Int64 = 0
        for i in 0..<(bytes.count - 1) {
            let c = bytes[i]
            guard c >= 0x30 && c <= 0x39 else { return nil }
            amount = amount * 10 + Int64(c - 0x30)
        }
        let multiplier: Int64
        switch bytes[bytes.count - 1] {
        case UInt8(ascii: "H"): multiplier = 3_600_000_000_000
        case UInt8(ascii: "M"): multiplier = 60_000_000_000
        case UInt8(ascii: "S"): multiplier = 1_000_000_000
        case UInt8(ascii: "m"): multiplier = 1_000_000
        case UInt8(ascii: "u"): multiplier = 1_000
        case UInt8(ascii: "n"): multiplier = 1
        default: return nil
        }
        let (result, overflow) = amount.multipliedReportingOverflow(by: multiplier)
        return overflow ? Int64.max : result
    }

    static func parse(_ text: String) -> Int64? {
        var copy = text
        return copy.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Encodes nanoseconds with the finest unit whose amount fits in 8 digits, rounding up.
    static func encode(nanoseconds: Int64) -> String {
        let value = max(nanoseconds, 1)
        let units: [(Int64, Character)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
            (3_600_000_000_000, "H"),
        ]
        for (size, unit) in units {
            let amount = (value + size - 1) / size
            if amount <= 99_999_999 { return "\(amount)\(unit)" }
        }
        return "99999999H"
    }
}
