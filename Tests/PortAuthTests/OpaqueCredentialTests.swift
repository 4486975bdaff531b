import PortAuth
import PortCrypto
import Testing

@Suite("Opaque credentials")
struct OpaqueCredentialTests {
    @Test func generateParseMatch() throws {
        let credential = OpaqueCredential.generate(prefix: OpaqueCredential.apiKeyPrefix, id: "k-0001")
        #expect(credential.plaintext.hasPrefix("cpk_k-0001_"))
        #expect(credential.plaintext.utf8.count == "cpk_k-0001_".utf8.count + 43)
        #expect(credential.secretHash.count == 32)

        let parsed = try #require(OpaqueCredential.parse(credential.plaintext, prefix: "cpk"))
        #expect(parsed.id == "k-0001")
        #expect(parsed.secret.count == 32)
        #expect(OpaqueCredential.matches(secret: parsed.secret, storedHash: credential.secretHash))
        #expect(OpaqueCredential.hash(secret: parsed.secret) == credential.secretHash)

        var wrong = parsed.secret
        wrong[0] ^= 1
        #expect(!OpaqueCredential.matches(secret: wrong, storedHash: credential.secretHash))
        #expect(!OpaqueCredential.matches(secret: parsed.secret, storedHash: []))

        let other = OpaqueCredential.generate(prefix: OpaqueCredential.refreshTokenPrefix, id: "s1")
        #expect(other.plaintext != credential.plaintext)
        #expect(OpaqueCredential.parse(other.plaintext, prefix: "cpk") == nil)
        #expect(OpaqueCredential.parse(other.plaintext, prefix: "cpr")?.id == "s1")
    }

    @Test func secretsWithUnderscoresParse() {
        // base64url secrets may contain "_" and "-": only the first two "_" separate parts.
        let secret = [UInt8](repeating: 0xFF, count: 32)
        let text = "cpr_abc_" + Base64URL.encode(secret)
        #expect(text.filter { $0 == "_" }.count > 2)
        let parsed = OpaqueCredential.parse(text, prefix: "cpr")
        #expect(parsed?.id == "abc" && parsed?.secret == secret)
    }

    @Test(arguments: [
        "", "cpk", "cpk_", "cpk__", "cpk_id_", "cpk_id_short", "xyz_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "cpk__AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cpk_i d_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "cpk_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "cpk_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "CPK_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cpk_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
    ])
    func garbageDoesNotParse(text: String) {
        #expect(OpaqueCredential.parse(text, prefix: "cpk") == nil)
    }

    @Test func wellFormedSampleParses() {
        #expect(OpaqueCredential.parse("cpk_id_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", prefix: "cpk")?.id == "id")
    }
}
