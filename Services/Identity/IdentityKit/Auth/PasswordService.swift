import NIOPosix
import PortCrypto

/// Hashes and verifies passwords on a dedicated thread pool: Argon2id takes tens of milliseconds and megabytes of
/// memory, so it must never run on an event loop or the cooperative pool.
final class PasswordService: Sendable {
    private let hasher: PasswordHasher
    private let pool: NIOThreadPool

    init(parameters: PasswordHasher.Parameters, threads: Int) {
        hasher = PasswordHasher(parameters: parameters)
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await pool.runIfActive { try hasher.hash(password) }
    }

    func verify(_ password: String, against encoded: String) async throws -> Bool {
        let hasher = self.hasher
        return try await pool.runIfActive { hasher.verify(password, against: encoded) }
    }

    /// Spends the time of a verification, for logins of unknown e-mails.
    func dummyVerify(_ password: String) async throws {
        let hasher = self.hasher
        try await pool.runIfActive { hasher.dummyVerify(password) }
    }

    func needsRehash(_ encoded: String) -> Bool { hasher.needsRehash(encoded) }

    func shutdown() async { try? await pool.shutdownGracefully() }
}
