/// Standard base64 (RFC 4648 §4), as used for `-bin` metadata. Decoding accepts padded and unpadded input and the
/// URL-safe alphabet.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, c) in alphabet.enumerated() { table[Int(c)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Encodes bytes; `padded: false` omits the trailing `=` (what gRPC sends).
    public static func encode(_ bytes: [UInt8], padded: Bool = true) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index + 3 <= bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if padded { out.append(contentsOf: [61, 61]) }
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            if padded { out.append(61) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes base64 text; nil when it contains characters outside the alphabet or has an impossible length.
    public static func decode<S: StringProtocol>(_ text: S) -> [UInt8]? {
        var bits: UInt32 = 0
        var count = 0
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var sawPadding = false
        for c in text.utf8 {
            if c == UInt8(ascii: "=") {
                sawPadding = true
                continue
            }
            if sawPadding { return nil }
            let v = decodeTable[Int(c)]
            if v == 0xFF { return nil }
            bits = bits << 6 | UInt32(v)
            count += 1
            if count == 4 {
                out.append(UInt8(bits >> 16 & 0xFF))
                out.append(UInt8(bits >> 8 & 0xFF))
                out.append(UInt8(bits & 0xFF))
                bits = 0
                count = 0
            }
        }
        switch count {
        case 0: break
        case 2: out.append(UInt8(bits >> 4 & 0xFF))
        case 3:
            out.append(UInt8(bits >> 10 & 0xFF))
            out.append(UInt8(bits >> 2 & 0xFF))
        default: return nil
        }
        return out
    }
}
