import PortValidation

/// The ISO 6346 check NACCS VAN applies to container numbers (cyberport-reference.md 7): when the first four
/// characters are letters, the number must be 4 letters, 6 digits and the check digit (`ContainerNumber.checkDigit`
/// of PortValidation). Numbers that do not start with four letters are not checked (NACCS accepts them), and
/// 12-character input is checked on its first 11.
public enum NaccsContainerNumber {
    /// Whether `number` passes the check (true for numbers NACCS does not check).
    public static func isValid(_ number: String) -> Bool {
        let bytes = Array(number.utf8)
        guard bytes.count >= 4, bytes[0..<4].allSatisfy(isLetter) else { return true }
        guard bytes.count == 11 || (bytes.count == 12 && bytes[11] == 0x20), bytes[4..<11].allSatisfy(isDigit) else {
            return false
        }
        return checkDigit(of: String(decoding: bytes[0..<10], as: UTF8.self)) == Int(bytes[10] - 0x30)
    }

    /// The check digit of 4 letters and 6 digits, or nil when `prefix` is not that.
    public static func checkDigit(of prefix: String) -> Int? {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 10, bytes[0..<4].allSatisfy(isLetter), bytes[4...].allSatisfy(isDigit) else { return nil }
        return ContainerNumber.checkDigit(prefix)
    }

    static func isLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
