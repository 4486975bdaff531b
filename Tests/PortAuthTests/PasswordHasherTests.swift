import PortCrypto
import Testing

@Suite("Argon2id password hashing")
struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: .minimumForTests)

    @Test func hashAndVerify() throws {
        let encoded = try hasher.hash("correct horse battery staple")
        #expect(encoded.hasPrefix("$argon2id$v=19$m=8192,t=1,p=1$"))
        #expect(encoded.split(separator: "$").count == 5)
        #expect(hasher.verify("correct horse battery staple", against: encoded))
        #expect(!hasher.verify("correct horse battery stapl", against: encoded))
        #expect(!hasher.verify("", against: encoded))
        #expect(try hasher.hash("correct horse battery staple") != encoded)  // random salt
    }

    @Test func unicodeAndEmptyPasswords() throws {
        let encoded = try hasher.hash("パスワード🔑")
        #expect(hasher.verify("パスワード🔑", against: encoded))
        #expect(!hasher.verify("パスワード", against: encoded))
        let empty = try hasher.hash("")
        #expect(hasher.verify("", against: empty))
        #expect(!hasher.verify(" ", against: empty))
    }

    @Test func verifyUsesTheParametersInTheString() throws {
        let other = PasswordHasher(parameters: .init(opsLimit: 2, memoryLimitBytes: 16 << 20))
        let encoded = try other.hash("secret")
        #expect(encoded.contains("m=16384,t=2,p=1"))
        #expect(hasher.verify("secret", against: encoded))
        #expect(hasher.needsRehash(encoded))
        #expect(!other.needsRehash(encoded))
        #expect(!hasher.needsRehash(try hasher.hash("secret")))
    }

    @Test func garbageHashesNeverVerify() {
        for garbage in ["", "$argon2id$", "$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "plain", String(repeating: "$argon2id$", count: 20)] {
            #expect(!hasher.verify("x", against: garbage))
            #expect(hasher.needsRehash(garbage))
        }
    }

    @Test func dummyVerifyRuns() {
        hasher.dummyVerify("anything")
        hasher.dummyVerify("anything")
    }

    @Test func presets() {
        #expect(PasswordHasher.Parameters.interactive == .init(opsLimit: 2, memoryLimitBytes: 64 << 20))
        #expect(PasswordHasher.Parameters.moderate == .init(opsLimit: 3, memoryLimitBytes: 256 << 20))
        #expect(PasswordHasher().parameters == .interactive)
    }
}
