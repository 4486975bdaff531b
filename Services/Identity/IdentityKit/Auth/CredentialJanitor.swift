import Logging
import PortServiceKit
import PortStore

/// Deletes credentials that can never be used again: refresh tokens past their expiry and invitations past theirs.
/// (Used or revoked refresh tokens stay until they expire, so that a reused one is still recognised and ends its
/// session.) Runs every 10 minutes; with several instances each one does it, which is harmless.
final class CredentialJanitor: Sendable {
    private let task: Task<Void, Never>

    init(database: Database, logger: Logger, interval: Duration = .seconds(600)) {
        task = Task {
            while !Task.isCancelled {
                do {
                    let removed = try await Self.sweep(database, now: WallClock.nowMicros())
                    if removed > 0 { logger.info("expired credentials removed", metadata: ["rows": "\(removed)"]) }
                } catch {
                    logger.warning("removing expired credentials failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One sweep; the number of rows removed.
    static func sweep(_ database: Database, now: Int64) async throws -> Int {
        try await database.write { session in
            try session.execute("DELETE FROM refresh_tokens WHERE expires_at < $1", [.int(now)])
                + session.execute("DELETE FROM invitations WHERE expires_at < $1", [.int(now)])
        }
    }

    func stop() { task.cancel() }
}
