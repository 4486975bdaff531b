import Foundation
import PortCrypto

/// A private key that signs access tokens, with the key id (`kid`) verifiers look its public key up by.
public struct TokenSigningKey: Sendable {
    public var keyID: String
    public var privateKey: Ed25519PrivateKey

    public init(keyID: String, privateKey: Ed25519PrivateKey) {
        self.keyID = keyID
        self.privateKey = privateKey
    }

    /// A new random key; its key id is `keyID`, or 12 random bytes in base64url (16 characters) when nil.
    public static func generate(keyID: String? = nil) -> TokenSigningKey {
        TokenSigningKey(keyID: keyID ?? SecureRandom.token(byteCount: 12), privateKey: Ed25519PrivateKey())
    }

    /// The public half, to publish.
    public func publishedKey(notAfter: Date? = nil) -> PublishedKey {
        PublishedKey(keyID: keyID, publicKey: privateKey.publicKey.rawRepresentation, notAfter: notAfter)
    }
}

/// Signs access tokens: compact JWS with `{"alg":"EdDSA","kid":…,"typ":"JWT"}` over the claims' compact JSON with
/// sorted keys.
public struct TokenSigner: Sendable {
    public let key: TokenSigningKey
    /// base64url of the header, followed by ".".
    private let encodedHeader: [UInt8]

    public init(key: TokenSigningKey) {
        self.key = key
        var header = CompactJSONWriter()
        header.beginObject()
        header.key("alg"); header.string("EdDSA")
        header.key("kid"); header.string(key.keyID)
        header.key("typ"); header.string("JWT")
        header.endObject()
        encodedHeader = Array(Base64URL.encode(header.bytes).utf8) + [UInt8(ascii: ".")]
    }

    /// The signed token `header.payload.signature`.
    public func sign(_ claims: AccessTokenClaims) -> String {
        var signingInput = encodedHeader
        signingInput.append(contentsOf: Base64URL.encode(claims.canonicalJSON()).utf8)
        let signature = key.privateKey.signature(for: signingInput)
        signingInput.append(UInt8(ascii: "."))
        signingInput.append(contentsOf: Base64URL.encode(signature).utf8)
        return String(decoding: signingInput, as: UTF8.self)
    }
}
