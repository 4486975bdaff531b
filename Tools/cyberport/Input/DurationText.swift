/// Parses the `--timeout` value: a decimal number with a unit (`ns`, `us`, `ms`, `s`, `m`, `h`), e.g. "5s",
/// "1.5s", "250ms", "2m"; a bare number means seconds.
enum DurationText {
    static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
        ]
        var number = Substring(text)
        var scale = 1e9
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.nanoseconds
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value > 0, value.isFinite
        else { return nil }
        let nanoseconds = value * scale
        guard nanoseconds >= 1, nanoseconds < 9e18 else { return nil }
        return .nanoseconds(Int64(nanoseconds))
    }
}
