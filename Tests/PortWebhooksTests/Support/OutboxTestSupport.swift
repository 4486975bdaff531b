import CyberPortTestSupport
import Foundation
import Logging
import PortStore
import PortWebhooks
import Synchronization
import Testing

/// A directory of targets held in memory. Names in `deleted` are listed for their organizations but no longer
/// found by name (a target deleted between fan-out and delivery).
final class FakeDirectory: WebhookTargetDirectory {
    private let state: Mutex<(targets: [WebhookTarget], deleted: Set<String>)>

    init(_ targets: [WebhookTarget], deleted: Set<String> = []) {
        state = Mutex((targets, deleted))
    }

    func targets(forOrganization organization: String) async throws -> [WebhookTarget] {
        state.withLock { $0.targets.filter { $0.organizations.contains(organization) } }
    }

    func target(named name: String) async throws -> WebhookTarget? {
        state.withLock { state in state.deleted.contains(name) ? nil : state.targets.first { $0.name == name } }
    }
}

/// A poster that never answers: it waits until its task is cancelled (an instance that hangs or has crashed).
final class HangingPoster: HTTPPoster {
    private let calls = Mutex(0)
    var callCount: Int { calls.withLock { $0 } }

    func post(_ request: HTTPPostRequest) async throws(HTTPPostError) -> HTTPPostResponse {
        calls.withLock { $0 += 1 }
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
        throw .cancelled
    }
}

enum OutboxFixture {
    static let company = "companies/0190a1b2-0000-7000-8000-000000000001"
    static func organization(_ n: Int) -> String { "\(company)/organizations/0190a1b2-0000-7000-8000-00000000010\(n)" }
    static func targetName(_ n: Int) -> String { "\(company)/webhookTargets/0190a1b2-0000-7000-8000-00000000020\(n)" }

    /// The service's own table, then the outbox's migrations, as a service would list them.
    static let migrations: [Migration] =
        [Migration(version: 1, name: "notes", statements: ["CREATE TABLE notes (id TEXT NOT NULL PRIMARY KEY, body TEXT NOT NULL)"])]
        + WebhookOutbox.migrations(startingAt: 2)

    static var quiet: Logger {
        var logger = Logger(label: "webhooks-tests")
        logger.logLevel = .critical
        return logger
    }

    /// Short delays so retries happen within milliseconds.
    static func fastConfiguration(concurrency: Int = 4) -> WebhookDispatcherConfiguration {
        var configuration = WebhookDispatcherConfiguration()
        configuration.maxConcurrentDeliveries = concurrency
        configuration.retry = WebhookRetryPolicy(
            initialDelay: .milliseconds(10), multiplier: 2, maxDelay: .milliseconds(40), jitter: 0.5, maxAttempts: 20,
            maxAge: .seconds(3600))
        configuration.pollInterval = .milliseconds(20)
        configuration.connectTimeout = .seconds(5)
        configuration.requestTimeout = .seconds(10)
        configuration.leaseDuration = .seconds(30)
        return configuration
    }

    static func payload(_ note: String) -> [UInt8] {
        Array(#"{"data":{"note":"\#(note)","operationType":"createDeal"}}"#.utf8)
    }

    /// Inserts a note and enqueues its event in one transaction; returns the event.
    @discardableResult
    static func enqueue(_ database: Database, type: String = "deal.created", organizations: [String], note: String = "n")
        async throws -> WebhookEvent
    {
        let event = WebhookEvent(type: type, organizations: organizations, payload: payload(note))
        try await database.write { session in
            try session.execute("INSERT INTO notes (id, body) VALUES ($1, $2)", .text(event.id), .text(note))
            try WebhookOutbox.enqueue(in: session, event: event)
        }
        return event
    }

    static func deliveries(_ database: Database, eventID: String? = nil) async throws -> [WebhookDeliveryRecord] {
        try await database.read { try WebhookOutbox.deliveries(in: $0, eventID: eventID, limit: 1000) }
    }
}

/// Runs `body` with a migrated outbox database on `backend`, then closes and removes it.
func withOutbox(_ backend: TestBackend, _ body: (TestDatabase, Database) async throws -> Void) async throws {
    let testDatabase = try TestDatabase(backend, prefix: "webhooks")
    let database: Database
    do {
        database = try await testDatabase.open(migrations: OutboxFixture.migrations, logger: OutboxFixture.quiet)
    } catch {
        await testDatabase.destroy()
        throw error
    }
    do {
        try await body(testDatabase, database)
    } catch {
        await database.close()
        await testDatabase.destroy()
        throw error
    }
    await database.close()
    await testDatabase.destroy()
}

/// Runs `body` with a receiver, stopping it afterwards.
func withReceiver(
    _ responder: @escaping WebhookReceiver.Responder = { _, _ in .respond(200) },
    _ body: (WebhookReceiver) async throws -> Void
) async throws {
    let receiver = try await WebhookReceiver.start(responder: responder)
    do {
        try await body(receiver)
    } catch {
        await receiver.stop()
        throw error
    }
    await receiver.stop()
}

struct ConditionNotMet: Error, CustomStringConvertible {
    var description: String
}

/// Waits until `condition` holds, checking every 10 ms; throws after `timeout` (a generous bound against hangs,
/// not a timing assertion).
func eventually(
    _ what: String, timeout: Duration = .seconds(30), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw ConditionNotMet(description: "timed out waiting until \(what)")
}

/// Waits until every delivery of the outbox is finished, and returns them.
func allFinished(_ database: Database, count: Int) async throws -> [WebhookDeliveryRecord] {
    var records: [WebhookDeliveryRecord] = []
    try await eventually("\(count) deliveries are finished") {
        records = try await OutboxFixture.deliveries(database)
        return records.count == count && records.allSatisfy { $0.status != .pending }
    }
    return records
}
