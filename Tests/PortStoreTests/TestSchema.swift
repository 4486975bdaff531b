import Foundation
import PortStore
import Synchronization
import Testing
import Logging

/// The schema most storage tests use, in portable DDL.
enum TestSchema {
    static let samples = Migration(
        version: 1, name: "samples",
        statements: [
            """
            CREATE TABLE samples (
                id BIGINT NOT NULL PRIMARY KEY,
                t TEXT,
                i BIGINT,
                d DOUBLE PRECISION,
                b BOOLEAN,
                y BYTEA
            )
            """
        ])

    static let users = Migration(
        version: 2, name: "orgs and users",
        statements: [
            "CREATE TABLE orgs (id TEXT NOT NULL PRIMARY KEY, name TEXT NOT NULL)",
            """
            CREATE TABLE users (
                id TEXT NOT NULL PRIMARY KEY,
                org_id TEXT NOT NULL REFERENCES orgs (id),
                email TEXT NOT NULL,
                age BIGINT,
                active BOOLEAN NOT NULL DEFAULT TRUE,
                CONSTRAINT users_age_nonnegative CHECK (age >= 0)
            )
            """,
            "CREATE UNIQUE INDEX users_email_idx ON users (email)",
            "CREATE TABLE handles (handle TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL REFERENCES users (id))",
        ])

    static let counters = Migration(
        version: 3, name: "counters and kv",
        statements: [
            "CREATE TABLE counters (name TEXT NOT NULL PRIMARY KEY, value BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE TABLE kv (k TEXT NOT NULL PRIMARY KEY, v TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 1)",
        ])

    static let migrations = [samples, users, counters]
}

/// An error thrown by test closures.
struct TestFailure: Error, Equatable {
    let reason: String
}

/// A log handler that keeps the messages it gets.
struct CapturingLogHandler: LogHandler {
    final class Store: Sendable {
        let entries = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
        var messages: [String] { entries.withLock { $0.map(\.message) } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        store.entries.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
    }

    static func logger() -> (Logger, Store) {
        let store = Store()
        return (Logger(label: "test.capture", factory: { _ in CapturingLogHandler(store: store) }), store)
    }
}

/// A one-shot signal from a blocking closure (inside `read`/`write`) to the async test.
final class Flag: Sendable {
    private let raised = Mutex(false)

    func raise() { raised.withLock { $0 = true } }

    /// Polls until the flag is raised (the closures that raise it run on the store's blocking threads).
    func wait() async throws {
        while !raised.withLock({ $0 }) { try await Task.sleep(nanoseconds: 5_000_000) }
    }
}
