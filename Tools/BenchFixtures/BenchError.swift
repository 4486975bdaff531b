/// A benchmark set-up or check failure with a message.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Corporate numbers (法人番号): 13 digits, the first being the check digit 9 − (Σ Pn·Qn mod 9) over the 12 base
/// digits counted from the right, Qn = 1 for odd n and 2 for even n (e.g. 1180301018771).
public enum CorporateNumber {
    public static func checkDigit(base: [Int]) -> Int {
        precondition(base.count == 12)
        var sum = 0
        for (offset, digit) in base.reversed().enumerated() {
            sum += digit * ((offset + 1) % 2 == 1 ? 1 : 2)
        }
        return 9 - sum % 9
    }

    /// A random valid corporate number.
    public static func generate() -> String {
        let base = (0..<12).map { _ in Int.random(in: 0...9) }
        return "\(checkDigit(base: base))" + base.map(String.init).joined()
    }
}
