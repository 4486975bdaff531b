/// Exact conversions of JSON number text to Swift numbers, as the proto3 JSON mapping needs them: integers given as
/// `1e3` or `5.0` are accepted when they are whole, and 64-bit values never pass through a double.
enum NumberText {
    /// The outcome of reading number text as an integer.
    enum IntegerResult {
        case value(negative: Bool, magnitude: UInt64)
        case notANumber
        case notWhole
        case tooLarge
    }

    /// Whether `text` is a JSON number literal (RFC 8259 grammar), e.g. the content of a quoted number.
    static func isLiteral(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return false }
        var scanner = JSONScanner(bytes: bytes, maxDepth: 0)
        guard (try? scanner.parseNumber()) != nil else { return false }
        return scanner.isAtEnd
    }

    /// Reads a JSON number literal as an exact integer.
    static func integer(_ text: String) -> IntegerResult {
        guard isLiteral(text) else { return .notANumber }
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var section = 0  // 0 integer part, 1 fraction, 2 exponent
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "-") where section == 0: negative = true
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): section = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"): section = 2
            default:
                let d = b - UInt8(ascii: "0")
                if section == 2 {
                    exponent = min(exponent * 10 + Int(d), 10_000)
                } else {
                    digits.append(d)
                    if section == 1 { fractionDigits += 1 }
                }
            }
        }
        var scale = (exponentNegative ? -exponent : exponent) - fractionDigits
        // Drop trailing digits that a negative scale removes; they must all be zero.
        while scale < 0 {
            guard let last = digits.popLast() else { break }
            if last != 0 { return .notWhole }
            scale += 1
        }
        var magnitude: UInt64 = 0
        for d in digits {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return .tooLarge }
            magnitude = sum
        }
        if magnitude != 0 {
            for _ in 0..<max(scale, 0) {
                let (times10, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                if overflow { return .tooLarge }
                magnitude = times10
            }
        }
        return .value(negative: negative && magnitude != 0, magnitude: magnitude)
    }

    /// Reads a JSON number literal as a double; nil when it is not a literal. Values beyond the double range come
    /// back infinite.
    static func double(_ text: String) -> Double? {
        guard isLiteral(text) else { return nil }
        return Double(text)
    }
}
