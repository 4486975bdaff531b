import NIOConcurrencyHelpers
import NIOPosix
import PortCrypto
import PortRPC
import PortServiceKit

/// Hashes and verifies passwords on a dedicated thread pool: Argon2id takes tens of milliseconds and megabytes of
/// memory, so it must never run on an event loop or the cooperative pool. At most `maxQueued` operations wait or
/// run at once; beyond that callers get RESOURCE_EXHAUSTED at once instead of queueing for ever longer.
final class PasswordService: Sendable {
    private let hasher: PasswordHasher
    private let pool: NIOThreadPool
    private let maxQueued: Int
    private let queued = NIOLockedValueBox(0)

    init(parameters: PasswordHasher.Parameters, threads: Int, maxQueued: Int = 64) {
        hasher = PasswordHasher(parameters: parameters)
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        self.maxQueued = maxQueued
        pool.start()
    }

    func hash(_ password: String) async throws -> String {
        let hasher = self.hasher
        return try await run { try hasher.hash(password) }
    }

    func verify(_ password: String, against encoded: String) async throws -> Bool {
        let hasher = self.hasher
        return try await run { hasher.verify(password, against: encoded) }
    }

    /// Spends the time of a verification, for logins of unknown e-mails.
    func dummyVerify(_ password: String) async throws {
        let hasher = self.hasher
        try await run { hasher.dummyVerify(password) }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let admitted = queued.withLockedValue { count -> Bool in
            guard count < maxQueued else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw APIError.make(
                .resourceExhausted, "too many password checks in progress; retry in a moment", reason: "PASSWORD_QUEUE_FULL",
                metadata: ["limit": "\(maxQueued)"])
        }
        defer { queued.withLockedValue { $0 -= 1 } }
        return try await pool.runIfActive(work)
    }

    func needsRehash(_ encoded: String) -> Bool { hasher.needsRehash(encoded) }

    func shutdown() async { try? await pool.shutdownGracefully() }
}
