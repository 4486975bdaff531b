import PortProtocol

/// Encodes `message` and decodes the bytes back.
func roundTrip<M: ProtoMessage>(_ message: M) throws -> M {
    try M(serializedBytes: message.serializedBytes())
}

/// `bytes` as lowercase hex, for readable expectations.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] })
}

/// The bytes of a hex string ("0a03…").
func bytes(hex: String) -> [UInt8] {
    let characters = Array(hex.utf8)
    return stride(from: 0, to: characters.count - 1, by: 2).map { index in
        UInt8(String(decoding: characters[index...index + 1], as: UTF8.self), radix: 16)!
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
struct DeterministicBytes {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) } }
}
