/// The ISO 6346 check NACCS VAN applies to container numbers (cyberport-reference.md 7): when the first four
/// characters are letters, the number must be 4 letters, 6 digits and the check digit
/// `(Σ value(cᵢ)·2ⁱ mod 11) mod 10`, letters valued A=10, B=12 … Z=38 skipping multiples of 11. Numbers that do not
/// start with four letters are not checked (NACCS accepts them), and 12-character input is checked on its first 11.
public enum NaccsContainerNumber {
    /// Whether `number` passes the check (true for numbers NACCS does not check).
    public static func isValid(_ number: String) -> Bool {
        let bytes = Array(number.utf8)
        guard bytes.count >= 4, bytes[0..<4].allSatisfy(isLetter) else { return true }
        guard bytes.count == 11 || (bytes.count == 12 && bytes[11] == 0x20), bytes[4..<11].allSatisfy(isDigit) else {
            return false
        }
        return checkDigit(bytes[0..<10]) == Int(bytes[10] - 0x30)
    }

    /// The check digit of 4 letters and 6 digits, or nil when `prefix` is not that.
    public static func checkDigit(of prefix: String) -> Int? {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 10, bytes[0..<4].allSatisfy(isLetter), bytes[4...].allSatisfy(isDigit) else { return nil }
        return checkDigit(bytes[...])
    }

    static func checkDigit(_ bytes: ArraySlice<UInt8>) -> Int {
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            sum += value(byte) << index
        }
        return sum % 11 % 10
    }

    static func value(_ byte: UInt8) -> Int {
        isDigit(byte) ? Int(byte - 0x30) : letterValues[Int(byte - 0x41)]
    }

    /// A=10, B=12 … Z=38: counting from 10 and skipping 11, 22 and 33.
    static let letterValues: [Int] = (10...38).filter { $0 % 11 != 0 }

    static func isLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
