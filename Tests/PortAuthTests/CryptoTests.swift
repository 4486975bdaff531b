import PortCrypto
import Testing

@Suite("PortCrypto primitives")
struct CryptoTests {
    @Test func sha256OfABC() {
        #expect(hexString(SHA256.hash("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hexString(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacSHA256RFC4231() {
        // Test case 1.
        let key1 = [UInt8](repeating: 0x0b, count: 20)
        let code1 = HMACSHA256.authenticationCode(for: Array("Hi There".utf8), key: key1)
        #expect(hexString(code1) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        // Test case 2.
        let message2 = Array("what do ya want for nothing?".utf8)
        let code2 = HMACSHA256.authenticationCode(for: message2, key: Array("Jefe".utf8))
        #expect(hexString(code2) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMACSHA256.isValid(code2, for: message2, key: Array("Jefe".utf8)))
        var tampered = code2
        tampered[31] ^= 1
        #expect(!HMACSHA256.isValid(tampered, for: message2, key: Array("Jefe".utf8)))
        #expect(!HMACSHA256.isValid(Array(code2.prefix(16)), for: message2, key: Array("Jefe".utf8)))
    }

    @Test func constantTimeEquality() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
        #expect(constantTimeEquals([], []))
    }

    @Test func ed25519RFC8032Test1() throws {
        let key = try Ed25519PrivateKey(seed: hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(hexString(key.publicKey.rawRepresentation) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let signature = key.signature(for: [])
        #expect(
            hexString(signature)
                == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
        #expect(key.publicKey.isValidSignature(signature, for: []))
        #expect(!key.publicKey.isValidSignature(signature, for: [0]))
    }

    @Test func ed25519RFC8032Test2() throws {
        let key = try Ed25519PrivateKey(seed: hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
        let publicKey = try Ed25519PublicKey(
            rawRepresentation: hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"))
        #expect(key.publicKey == publicKey)
        let signature = key.signature(for: [0x72])
        #expect(
            hexString(signature)
                == "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")
        #expect(publicKey.isValidSignature(signature, for: [0x72]))
        var bad = signature
        bad[0] ^= 0x80
        #expect(!publicKey.isValidSignature(bad, for: [0x72]))
        #expect(!publicKey.isValidSignature(Array(signature.dropLast()), for: [0x72]))
    }

    @Test func ed25519KeysRoundTripThroughTheSeed() throws {
        let key = Ed25519PrivateKey.generate()
        let restored = try Ed25519PrivateKey(seed: key.seed)
        #expect(restored.publicKey == key.publicKey)
        #expect(key.rawRepresentation == key.seed && key.seed.count == 32)
        let message = Array("hello".utf8)
        #expect(restored.publicKey.isValidSignature(key.signature(for: message), for: message))
        #expect(Ed25519PrivateKey.generate().publicKey != key.publicKey)
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 31)) {
            try Ed25519PrivateKey(seed: [UInt8](repeating: 1, count: 31))
        }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 33)) {
            try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 1, count: 33))
        }
    }

    @Test func secureRandom() {
        #expect(SecureRandom.bytes(0).isEmpty)
        #expect(SecureRandom.bytes(32).count == 32)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
        let token = SecureRandom.token()
        #expect(token.count == 43)
        #expect(Base64URL.decode(token)?.count == 32)
    }

    @Test func base64URLEncodesWithoutPadding() {
        #expect(Base64URL.encode([]) == "")
        #expect(Base64URL.encode([0xFB]) == "-w")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.encode(Array("any carnal pleasure.".utf8)) == "YW55IGNhcm5hbCBwbGVhc3VyZS4")
        #expect(Base64URL.decode("YW55IGNhcm5hbCBwbGVhc3VyZS4") == Array("any carnal pleasure.".utf8))
        #expect(Base64URL.decode("") == [])
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: [
        "YQ==",  // padding
        "YQ=",
        "+w",  // standard alphabet
        "/w",
        "Y Q",  // whitespace
        "YQ\n",
        "Y",  // impossible length
        "YR",  // non-zero trailing bits ("a" is YQ)
        "YWF",  // non-zero trailing bits ("aa" is YWE)
        "YQ.",
        "ÿQ",
    ])
    func base64URLDecodingIsStrict(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func standardBase64() {
        #expect(Base64.encode([0xFB, 0xFF]) == "+/8=")
        #expect(Base64.decode("+/8=") == [0xFB, 0xFF])
        #expect(Base64.decode("+/8") == nil)
        #expect(Base64.decode("-_8=") == nil)
    }

    @Test func secretBoxRoundTripAndTamperDetection() throws {
        let key = SecretBox.generateKey()
        let box = try SecretBox(key: key)
        let plaintext = Ed25519PrivateKey.generate().seed
        let sealed = box.seal(plaintext)
        #expect(sealed.count == plaintext.count + 40)
        #expect(try box.open(sealed) == plaintext)
        #expect(box.seal(plaintext) != sealed)  // a fresh nonce each time
        #expect(try box.open(box.seal([])) == [])

        for index in [0, 23, 24, 39, 40, sealed.count - 1] {
            var tampered = sealed
            tampered[index] ^= 0x01
            #expect(throws: CryptoError.authenticationFailed) { try box.open(tampered) }
        }
        #expect(throws: CryptoError.authenticationFailed) { try box.open(Array(sealed.dropLast())) }
        #expect(throws: CryptoError.authenticationFailed) { try box.open(Array(sealed.prefix(39))) }
        #expect(throws: CryptoError.authenticationFailed) { try SecretBox(key: SecretBox.generateKey()).open(sealed) }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, actual: 16)) { try SecretBox(key: Array(key.prefix(16))) }
    }
}
