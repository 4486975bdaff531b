import CSodium

/// Base64url without padding (RFC 4648 §5), as used by JWS/JWT. Decoding is strict: no padding, no whitespace,
/// no characters outside `A–Z a–z 0–9 - _`, and no non-zero trailing bits. Constant time (libsodium).
public enum Base64URL {
    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        Base64Codec.encode(bytes, variant: sodium_base64_VARIANT_URLSAFE_NO_PADDING)
    }

    /// Encodes bytes.
    public static func encode(_ bytes: ArraySlice<UInt8>) -> String {
        Base64Codec.encode(Array(bytes), variant: sodium_base64_VARIANT_URLSAFE_NO_PADDING)
    }

    /// Decodes text; nil when it is not strict base64url without padding.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.decode(Array(text.utf8)[...], variant: sodium_base64_VARIANT_URLSAFE_NO_PADDING)
    }

    /// Decodes the ASCII bytes of base64url text; nil when they are not strict base64url without padding.
    public static func decode(_ utf8: ArraySlice<UInt8>) -> [UInt8]? {
        Base64Codec.decode(utf8, variant: sodium_base64_VARIANT_URLSAFE_NO_PADDING)
    }
}

/// Standard base64 with padding (RFC 4648 §4). Decoding is strict: padding required, no whitespace.
public enum Base64 {
    /// Encodes bytes.
    public static func encode(_ bytes: [UInt8]) -> String {
        Base64Codec.encode(bytes, variant: sodium_base64_VARIANT_ORIGINAL)
    }

    /// Decodes text; nil when it is not strict padded base64.
    public static func decode(_ text: String) -> [UInt8]? {
        Base64Codec.decode(Array(text.utf8)[...], variant: sodium_base64_VARIANT_ORIGINAL)
    }
}

enum Base64Codec {
    static func encode(_ bytes: [UInt8], variant: Int32) -> String {
        Sodium.ensureInitialized()
        let capacity = sodium_base64_encoded_len(bytes.count, variant)  // includes the terminating NUL
        var out = [UInt8](repeating: 0, count: capacity)
        withInput(bytes) { input, count in
            out.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: capacity) { chars in
                    _ = sodium_bin2base64(chars, capacity, input, count, variant)
                }
            }
        }
        return String(decoding: out[..<(capacity - 1)], as: UTF8.self)
    }

    static func decode(_ text: ArraySlice<UInt8>, variant: Int32) -> [UInt8]? {
        Sodium.ensureInitialized()
        if text.isEmpty { return [] }
        // libsodium 1.0.18 maps some bytes >= 0x80 to digits where `char` is signed: accept ASCII only.
        guard text.allSatisfy({ $0 < 0x80 }) else { return nil }
        let maxLength = text.count / 4 * 3 + 3
        var length = 0
        var out = [UInt8](repeating: 0, count: maxLength)
        let status = text.withUnsafeBufferPointer { input in
            input.baseAddress!.withMemoryRebound(to: CChar.self, capacity: input.count) { chars in
                out.withUnsafeMutableBufferPointer { buffer in
                    // b64_end = NULL makes libsodium fail unless the whole input was consumed.
                    sodium_base642bin(buffer.baseAddress!, maxLength, chars, input.count, nil, &length, nil, variant)
                }
            }
        }
        guard status == 0 else { return nil }
        out.removeLast(maxLength - length)
        return out
    }
}
