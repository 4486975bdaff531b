import CyberPortTestSupport
import Foundation
import PortStore
import PortWebhooks
import Testing

/// Several dispatchers, stops and crashes: nothing is lost, and a row is worked on by one dispatcher at a time.
@Suite("Webhook delivery across stops, crashes and instances", .timeLimit(.minutes(2)))
struct RecoveryTests {
    @Test("a dispatcher stopped mid-way and a new one on the reopened database deliver everything", arguments: TestBackend.available)
    func stopAndRestart(backend: TestBackend) async throws {
        try await withOutbox(backend) { testDatabase, firstDatabase in
            try await withReceiver({ _, _ in .hold }) { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url(), secret: "s", organizations: [organization])
                ])
                var events: [WebhookEvent] = []
                for index in 0..<6 { events.append(try await OutboxFixture.enqueue(firstDatabase, organizations: [organization], note: "e\(index)")) }

                let first = WebhookDispatcher(
                    database: firstDatabase, directory: directory, configuration: OutboxFixture.fastConfiguration(concurrency: 4),
                    logger: OutboxFixture.quiet)
                await first.start()
                try await eventually("four requests are in flight") { receiver.heldCount == 4 }
                await first.stop(gracePeriod: .milliseconds(50))
                let afterStop = try await OutboxFixture.deliveries(firstDatabase)
                // At least the four in flight were fanned out (the rest may still wait for fan-out: no matter).
                #expect(afterStop.count >= 4)
                #expect(afterStop.allSatisfy { $0.status == .pending })
                #expect(afterStop.filter { $0.attempts == 1 }.count == 4)
                #expect(afterStop.filter { $0.lastError == "interrupted by a shutdown" }.count == 4)
                #expect(afterStop.allSatisfy { $0.nextAttemptAt <= Date() }, "interrupted attempts are due again at once")

                // A "restart": the database is closed and opened again, a new dispatcher starts.
                await firstDatabase.close()
                let database = try await testDatabase.open(migrations: OutboxFixture.migrations, logger: OutboxFixture.quiet)
                receiver.setResponder { _, _ in .respond(200) }
                receiver.releaseHeld()
                let second = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await second.start()
                let records = try await allFinished(database, count: 6)
                await second.stop()
                await database.close()

                #expect(records.allSatisfy { $0.status == .delivered })
                let byDelivery = Dictionary(grouping: receiver.requests, by: { $0.deliveryID ?? "" })
                #expect(Set(byDelivery.keys) == Set(records.map(\.id)))
                for record in records {
                    let requests = try #require(byDelivery[record.id])
                    #expect(requests.allSatisfy { $0.header("CyberPort-Event-Id") == record.eventID })
                }
                #expect(Set(receiver.acknowledgedRequests.compactMap { $0.header("CyberPort-Event-Id") }) == Set(events.map(\.id)))
            }
        }
    }

    @Test("deliveries claimed by a crashed instance are taken over once their lease expires", arguments: TestBackend.available)
    func crashedInstance(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url(), secret: "s", organizations: [organization])
                ])
                for index in 0..<3 { try await OutboxFixture.enqueue(database, organizations: [organization], note: "c\(index)") }

                // The "crashed" instance claims everything and never finishes; its leases are short.
                var crashedConfiguration = OutboxFixture.fastConfiguration(concurrency: 3)
                crashedConfiguration.connectTimeout = .milliseconds(100)
                crashedConfiguration.requestTimeout = .milliseconds(100)
                crashedConfiguration.leaseDuration = .milliseconds(300)
                let hanging = HangingPoster()
                let crashed = WebhookDispatcher(
                    database: database, directory: directory, poster: hanging, configuration: crashedConfiguration,
                    logger: OutboxFixture.quiet)
                await crashed.start()
                try await eventually("the crashed instance holds all three") { hanging.callCount == 3 }

                let survivor = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await survivor.start()
                let records = try await allFinished(database, count: 3)
                await survivor.stop()
                await crashed.stop(gracePeriod: .zero)

                #expect(records.allSatisfy { $0.status == .delivered })
                let after = try await OutboxFixture.deliveries(database)
                #expect(after.allSatisfy { $0.status == .delivered }, "the crashed instance's late outcome changes nothing")
                #expect(receiver.requests.count == 3)
                #expect(Set(receiver.requests.compactMap(\.deliveryID)) == Set(records.map(\.id)))
            }
        }
    }

    @Test("a second dispatcher does not take a delivery whose lease holds", arguments: TestBackend.available)
    func leaseHolds(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver({ _, _ in .hold }) { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url(), secret: "s", organizations: [organization])
                ])
                try await OutboxFixture.enqueue(database, organizations: [organization])
                let first = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await first.start()
                try await eventually("the first dispatcher's request is in flight") { receiver.heldCount == 1 }

                let second = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                for _ in 0..<3 {
                    #expect(try await second.runOnce().attempted == 0)
                }
                #expect(receiver.requests.count == 1)

                receiver.releaseHeld(status: 200)
                let records = try await allFinished(database, count: 1)
                await first.stop()
                #expect(records.first?.status == .delivered)
                #expect(records.first?.attempts == 1)
                #expect(receiver.requests.count == 1)
            }
        }
    }

    @Test("two dispatchers on one database share the work and deliver each row once", arguments: TestBackend.available)
    func twoDispatchers(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url("/a"), secret: "s", organizations: [organization]),
                    WebhookTarget(name: OutboxFixture.targetName(2), url: receiver.url("/b"), secret: "t", organizations: [organization]),
                ])
                let dispatchers = (0..<2).map { _ in
                    WebhookDispatcher(
                        database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                        logger: OutboxFixture.quiet)
                }
                for dispatcher in dispatchers { await dispatcher.start() }
                for index in 0..<20 {
                    try await OutboxFixture.enqueue(database, organizations: [organization], note: "p\(index)")
                    for dispatcher in dispatchers { dispatcher.notify() }
                }
                let records = try await allFinished(database, count: 40)
                for dispatcher in dispatchers { await dispatcher.stop() }

                #expect(records.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
                let ids = receiver.requests.compactMap(\.deliveryID)
                #expect(ids.count == 40)
                #expect(Set(ids) == Set(records.map(\.id)), "every delivery exactly once")
            }
        }
    }
}
