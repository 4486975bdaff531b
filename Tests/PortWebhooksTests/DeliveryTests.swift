import CyberPortTestSupport
import Foundation
import PortStore
import PortWebhooks
import Testing

/// The dispatcher against a real HTTP receiver on loopback, through the real libcurl poster, on both backends.
@Suite("Webhook deliveries", .timeLimit(.minutes(2)))
struct DeliveryTests {
    @Test("each target of the organizations concerned gets one signed POST with the event's JSON", arguments: TestBackend.available)
    func signedDeliveries(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver { receiver in
                let a = OutboxFixture.organization(1)
                let b = OutboxFixture.organization(2)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url("/one"), secret: "secret-one", organizations: [a]),
                    WebhookTarget(name: OutboxFixture.targetName(2), url: receiver.url("/two"), secret: "secret-two", organizations: [a, b]),
                    WebhookTarget(name: OutboxFixture.targetName(3), url: receiver.url("/three"), secret: "", organizations: [b]),
                    WebhookTarget(name: OutboxFixture.targetName(4), url: receiver.url("/other"), secret: "x", organizations: [OutboxFixture.organization(3)]),
                ])
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await dispatcher.start()
                let event = try await OutboxFixture.enqueue(database, organizations: [a, b], note: "shipment")
                dispatcher.notify()

                let records = try await allFinished(database, count: 3)
                await dispatcher.stop()
                #expect(records.allSatisfy { $0.status == .delivered && $0.attempts == 1 && $0.lastStatusCode == 200 })
                #expect(Set(records.map(\.target)) == [1, 2, 3].map(OutboxFixture.targetName).reduce(into: Set()) { $0.insert($1) })
                #expect(Set(records.map(\.id)).count == 3)

                let requests = receiver.requests
                #expect(requests.count == 3)
                #expect(Set(requests.map(\.uri)) == ["/one", "/two", "/three"])
                let now = Int64(Date().timeIntervalSince1970)
                for request in requests {
                    let record = try #require(records.first { $0.id == request.deliveryID })
                    #expect(request.method == "POST")
                    #expect(request.body == event.payload)
                    #expect(request.header("Content-Type") == "application/json")
                    #expect(request.header("User-Agent") == "CyberPortOpen-Webhooks/1")
                    #expect(request.header("CyberPort-Event-Id") == event.id)
                    #expect(request.header("CyberPort-Event-Type") == "deal.created")
                    #expect(request.header("CyberPort-Attempt") == "1")
                    #expect(request.header("Expect") == nil)
                    let timestamp = try #require(request.header("CyberPort-Timestamp").flatMap { Int64($0) })
                    #expect(abs(timestamp - now) < 300)
                    switch request.uri {
                    case "/one", "/two":
                        #expect(record.target == (request.uri == "/one" ? OutboxFixture.targetName(1) : OutboxFixture.targetName(2)))
                        let secret = request.uri == "/one" ? "secret-one" : "secret-two"
                        let signature = try #require(request.header("CyberPort-Signature"))
                        #expect(signature.hasPrefix("v1=") && signature.count == 67)
                        #expect(WebhookSignature.isValid(signature, secret: secret, timestamp: timestamp, body: request.body))
                        #expect(!WebhookSignature.isValid(signature, secret: "wrong", timestamp: timestamp, body: request.body))
                        #expect(!WebhookSignature.isValid(signature, secret: secret, timestamp: timestamp + 1, body: request.body))
                    default:
                        #expect(record.target == OutboxFixture.targetName(3))
                        #expect(request.header("CyberPort-Signature") == nil, "a target without a secret gets no signature")
                    }
                }
            }
        }
    }

    @Test("500s, a dropped connection and a 429 are retried with the same delivery id until a 2xx", arguments: TestBackend.available)
    func retriesUntilDelivered(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver({ _, index in
                switch index {
                case 0, 1: return .respond(500)
                case 2: return .dropConnection
                case 3: return .respond(429)
                default: return .respond(204)
                }
            }) { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url(), secret: "s", organizations: [organization])
                ])
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await dispatcher.start()
                let event = try await OutboxFixture.enqueue(database, organizations: [organization])
                let records = try await allFinished(database, count: 1)
                await dispatcher.stop()

                let record = try #require(records.first)
                #expect(record.status == .delivered)
                #expect(record.attempts == 5)
                #expect(record.lastStatusCode == 204)
                #expect(record.eventID == event.id)
                let requests = receiver.requests
                #expect(requests.count == 5)
                #expect(requests.allSatisfy { $0.deliveryID == record.id && $0.body == event.payload })
                #expect(requests.map { $0.header("CyberPort-Attempt") } == ["1", "2", "3", "4", "5"])
                #expect(receiver.acknowledgedRequests.count == 1)

                // Nothing more to do.
                let round = try await WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet
                ).runOnce()
                #expect(round.attempted == 0)
                #expect(receiver.requests.count == 5)
            }
        }
    }

    @Test("a 400 fails permanently, as does a deleted target; exhausted retries fail too", arguments: TestBackend.available)
    func permanentFailures(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver({ request, _ in request.uri == "/bad" ? .respond(400) : .respond(503) }) { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory(
                    [
                        WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url("/bad"), secret: "s", organizations: [organization]),
                        WebhookTarget(name: OutboxFixture.targetName(2), url: receiver.url("/gone"), secret: "s", organizations: [organization]),
                        WebhookTarget(name: OutboxFixture.targetName(3), url: receiver.url("/down"), secret: "s", organizations: [organization]),
                    ], deleted: [OutboxFixture.targetName(2)])
                var configuration = OutboxFixture.fastConfiguration()
                configuration.retry.maxAttempts = 3
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: configuration, logger: OutboxFixture.quiet)
                await dispatcher.start()
                try await OutboxFixture.enqueue(database, organizations: [organization])
                let records = try await allFinished(database, count: 3)
                await dispatcher.stop()

                let bad = try #require(records.first { $0.target == OutboxFixture.targetName(1) })
                #expect(bad.status == .failed)
                #expect(bad.attempts == 1)
                #expect(bad.lastStatusCode == 400)
                #expect(bad.lastError == "HTTP 400")
                #expect(bad.finishedAt != nil)

                let gone = try #require(records.first { $0.target == OutboxFixture.targetName(2) })
                #expect(gone.status == .failed)
                #expect(gone.lastError == "the webhook target no longer exists")

                let down = try #require(records.first { $0.target == OutboxFixture.targetName(3) })
                #expect(down.status == .failed)
                #expect(down.attempts == 3)
                #expect(down.lastStatusCode == 503)
                #expect(down.lastError?.hasPrefix("gave up after 3 attempt(s)") == true)

                let requests = receiver.requests
                #expect(requests.filter { $0.uri == "/bad" }.count == 1)
                #expect(requests.filter { $0.uri == "/gone" }.isEmpty)
                #expect(requests.filter { $0.uri == "/down" }.count == 3)

                // Failed deliveries stay for inspection and are not tried again.
                let again = WebhookDispatcher(
                    database: database, directory: directory, configuration: configuration, logger: OutboxFixture.quiet)
                #expect(try await again.runOnce().attempted == 0)
                #expect(try await again.prune() == 0)
                #expect(try await database.read { try WebhookOutbox.deliveries(in: $0, status: .failed) }.count == 3)
                #expect(receiver.requests.count == 4)
            }
        }
    }

    @Test("an event enqueued in a transaction that rolls back is never delivered", arguments: TestBackend.available)
    func rolledBackEvent(backend: TestBackend) async throws {
        struct Abort: Error {}
        try await withOutbox(backend) { _, database in
            try await withReceiver { receiver in
                let organization = OutboxFixture.organization(1)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url(), secret: "s", organizations: [organization])
                ])
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet)
                await dispatcher.start()
                let rolledBack = WebhookEvent(type: "deal.created", organizations: [organization], payload: OutboxFixture.payload("lost"))
                await #expect(throws: Abort.self) {
                    try await database.write { session in
                        try session.execute("INSERT INTO notes (id, body) VALUES ($1, 'lost')", .text(rolledBack.id))
                        try WebhookOutbox.enqueue(in: session, event: rolledBack)
                        throw Abort()
                    }
                }
                dispatcher.notify()
                let committed = try await OutboxFixture.enqueue(database, organizations: [organization], note: "kept")
                _ = try await allFinished(database, count: 1)
                await dispatcher.stop()

                #expect(try await database.read { try WebhookOutbox.event(in: $0, id: rolledBack.id) } == nil)
                let stored = try #require(try await database.read { try WebhookOutbox.event(in: $0, id: committed.id) })
                #expect(stored.payload == committed.payload && stored.type == committed.type)
                #expect(stored.organizations == committed.organizations)
                #expect(abs(stored.occurredAt.timeIntervalSince(committed.occurredAt)) < 0.001, "stored in microseconds")
                let round = try await WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: OutboxFixture.quiet
                ).runOnce()
                #expect(round == WebhookDispatchRound())
                #expect(receiver.requests.map { $0.header("CyberPort-Event-Id") } == [committed.id])
            }
        }
    }

    @Test("delivered rows are pruned after their retention; failed ones only with a failed retention", arguments: TestBackend.available)
    func pruning(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver({ request, _ in request.uri == "/bad" ? .respond(404) : .respond(200) }) { receiver in
                let good = OutboxFixture.organization(1)
                let bad = OutboxFixture.organization(2)
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: receiver.url("/ok"), secret: "s", organizations: [good]),
                    WebhookTarget(name: OutboxFixture.targetName(2), url: receiver.url("/bad"), secret: "s", organizations: [bad]),
                ])
                var configuration = OutboxFixture.fastConfiguration()
                configuration.deliveredRetention = .zero
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: configuration, logger: OutboxFixture.quiet)
                let delivered = try await OutboxFixture.enqueue(database, organizations: [good])
                let failed = try await OutboxFixture.enqueue(database, organizations: [bad])
                let round = try await dispatcher.runOnce()
                #expect(round.eventsFannedOut == 2)
                #expect(round.attempted == 2)
                #expect(round.delivered == 1)
                #expect(round.failed == 1)

                #expect(try await dispatcher.prune() == 2, "the delivered delivery and its event")
                #expect(try await database.read { try WebhookOutbox.event(in: $0, id: delivered.id) } == nil)
                #expect(try await database.read { try WebhookOutbox.event(in: $0, id: failed.id) } != nil)
                #expect(try await OutboxFixture.deliveries(database).map(\.status) == [.failed])

                configuration.failedRetention = .zero
                let cleaner = WebhookDispatcher(
                    database: database, directory: directory, configuration: configuration, logger: OutboxFixture.quiet)
                #expect(try await cleaner.prune() == 2)
                #expect(try await OutboxFixture.deliveries(database).isEmpty)
                #expect(try await database.read { try WebhookOutbox.event(in: $0, id: failed.id) } == nil)
            }
        }
    }
}
