/// Fixed-width fitting: left-justified values padded with spaces, checked against a character set, never truncated.
enum FixedWidth {
    static let space: UInt8 = 0x20
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A

    /// Appends `value` padded to `width` to `bytes`. `secret` hides nothing here but keeps the contract visible at the
    /// call site: errors never carry the value itself.
    static func append(
        _ value: String, width: Int, characterSet: NaccsCharacterSet, field: String, to bytes: inout [UInt8]
    ) throws(NaccsFittingError) {
        let utf8 = Array(value.utf8)
        for (index, byte) in utf8.enumerated() where !characterSet.allows(byte) {
            throw .invalidCharacter(field: field, position: index + 1, characterSet: characterSet)
        }
        if utf8.last == space { throw .untrimmed(field: field) }
        guard utf8.count <= width else { throw .tooLong(field: field, width: width, length: utf8.count) }
        bytes.append(contentsOf: utf8)
        bytes.append(contentsOf: repeatElement(space, count: width - utf8.count))
    }

    /// Appends `value` as `width` digits, zero-padded on the left.
    static func appendNumber(_ value: Int, width: Int, field: String, to bytes: inout [UInt8]) throws(NaccsFittingError) {
        var limit = 1
        for _ in 0..<width { limit *= 10 }
        guard value >= 0, value < limit else { throw .outOfRange(field: field, value: value, range: 0...(limit - 1)) }
        let digits = Array(String(value).utf8)
        bytes.append(contentsOf: repeatElement(0x30, count: width - digits.count))
        bytes.append(contentsOf: digits)
    }

    /// The value held in `bytes[range]`: trailing spaces removed, every other byte checked against `characterSet`.
    static func read(
        _ bytes: ArraySlice<UInt8>, characterSet: NaccsCharacterSet, field: String, offset: Int
    ) throws(NaccsDecodingError) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == space { end -= 1 }
        for index in bytes.startIndex..<end where !characterSet.allows(bytes[index]) {
            throw NaccsDecodingError(
                offset: offset + (index - bytes.startIndex), field: field,
                reason: .invalidCharacter(byte: bytes[index], characterSet: characterSet))
        }
        return String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
    }

    /// The unsigned number held in `bytes` (all digits, no padding).
    static func readNumber(_ bytes: ArraySlice<UInt8>, field: String, offset: Int) throws(NaccsDecodingError) -> Int {
        var value = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else {
                throw NaccsDecodingError(
                    offset: offset + (index - bytes.startIndex), field: field,
                    reason: .invalidCharacter(byte: byte, characterSet: .numeric))
            }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// Throws unless `bytes` are all spaces.
    static func requireBlank(_ bytes: ArraySlice<UInt8>, field: String, offset: Int) throws(NaccsDecodingError) {
        if let index = bytes.firstIndex(where: { $0 != space }) {
            throw NaccsDecodingError(offset: offset + (index - bytes.startIndex), field: field, reason: .reservedNotBlank)
        }
    }
}
