import CyberPortTestSupport
import Foundation
import PortStore
import PortWebhooks
import Testing

@Suite("Webhook outbox", .timeLimit(.minutes(1)))
struct OutboxTests {
    @Test("signatures match HMAC-SHA256 test vectors computed independently")
    func signatureVectors() {
        let body = Array(#"{"data":{"dealNo":"EXP_0001"}}"#.utf8)
        #expect(
            WebhookSignature.signature(secret: "whsec-test-secret", timestamp: 1_700_000_000, body: body)
                == "v1=3763c711a4717a4d9d7251bd0a7772e5b15b4559074530b35f5d85ff89c2a692")
        #expect(
            WebhookSignature.signature(secret: "秘密-key", timestamp: 1_700_000_001, body: Array("[]".utf8))
                == "v1=66c5f01f8fae7804a2b9ae3dbea8ac07c4d9abaa018cca693e4030cadb069ff3")
        let headers = WebhookSignature.headers(
            deliveryID: "d", eventID: "e", eventType: "deal.created", attempt: 2, timestamp: 1_700_000_000,
            secret: "whsec-test-secret", body: body)
        #expect(headers.map(\.name) == [
            "Content-Type", "CyberPort-Delivery-Id", "CyberPort-Event-Id", "CyberPort-Event-Type", "CyberPort-Attempt",
            "CyberPort-Timestamp", "CyberPort-Signature",
        ])
        #expect(headers.last?.value == "v1=3763c711a4717a4d9d7251bd0a7772e5b15b4559074530b35f5d85ff89c2a692")
    }

    @Test("backoff doubles from the initial delay up to the cap, less the jitter")
    func backoff() {
        let policy = WebhookRetryPolicy(initialDelay: .seconds(1), multiplier: 2, maxDelay: .seconds(600), jitter: 0.2)
        #expect(policy.delay(afterAttempt: 1, random: 0) == .seconds(1))
        #expect(policy.delay(afterAttempt: 2, random: 0) == .seconds(2))
        #expect(policy.delay(afterAttempt: 5, random: 0) == .seconds(16))
        #expect(policy.delay(afterAttempt: 11, random: 0) == .seconds(600))
        #expect(policy.delay(afterAttempt: 500, random: 0) == .seconds(600))
        #expect(policy.delay(afterAttempt: 2, random: 1) == .milliseconds(1600))
    }

    @Test("the outbox's tables are prefixed webhook_ and created alike on both backends")
    func schema() async throws {
        var schemas: [DatabaseSchema] = []
        for backend in TestBackend.available {
            try await withOutbox(backend) { _, database in
                let schema = try await database.schema()
                let names = schema.tables.map(\.name).filter { $0 != "schema_migrations" && $0 != "notes" }
                #expect(names == ["webhook_deliveries", "webhook_events"])
                schemas.append(DatabaseSchema(tables: schema.tables.filter { $0.name.hasPrefix("webhook_") }))
            }
        }
        if schemas.count == 2 { #expect(schemas[0] == schemas[1]) }
    }

    @Test("malformed events are refused and abort the transaction", arguments: TestBackend.available)
    func validation(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            let organization = OutboxFixture.organization(1)
            let bad: [(WebhookEvent, String)] = [
                (WebhookEvent(id: "not-a-uuid", type: "deal.created", organizations: [organization], payload: Array("{}".utf8)), "id"),
                (WebhookEvent(type: "deal created", organizations: [organization], payload: Array("{}".utf8)), "type"),
                (WebhookEvent(type: "", organizations: [organization], payload: Array("{}".utf8)), "type"),
                (WebhookEvent(type: "deal.created", organizations: [], payload: Array("{}".utf8)), "no organization"),
                (WebhookEvent(type: "deal.created", organizations: ["companies/x"], payload: Array("{}".utf8)), "organization"),
                (WebhookEvent(type: "deal.created", organizations: [organization], payload: Array("not json".utf8)), "payload"),
                (WebhookEvent(type: "deal.created", organizations: [organization], payload: Array("42".utf8)), "payload"),
            ]
            for (event, word) in bad {
                do {
                    try await database.write { session in
                        try session.execute("INSERT INTO notes (id, body) VALUES ($1, 'x')", .text(event.id))
                        try WebhookOutbox.enqueue(in: session, event: event)
                    }
                    Issue.record("accepted an event with a bad \(word)")
                } catch let error as WebhookOutboxError {
                    #expect(error.description.contains(word), "\(error)")
                }
                #expect(try await database.read { try $0.queryOne("SELECT COUNT(*) AS n FROM notes")?.int("n") } == 0)
            }

            // A well-formed event round-trips; its id cannot be enqueued twice.
            struct Payload: Encodable { var dealNo: String; var dateTime: Date }
            let event = try WebhookEvent(
                type: "deal.created", organizations: [organization, OutboxFixture.organization(2)],
                occurredAt: Date(timeIntervalSince1970: 1_700_000_000.25),
                json: Payload(dealNo: "EXP_0001", dateTime: Date(timeIntervalSince1970: 1_700_000_000)))
            try await database.write { try WebhookOutbox.enqueue(in: $0, event: event) }
            #expect(try await database.read { try WebhookOutbox.event(in: $0, id: event.id) } == event)
            #expect(String(decoding: event.payload, as: UTF8.self) == #"{"dateTime":"2023-11-14T22:13:20Z","dealNo":"EXP_0001"}"#)
            await #expect(throws: StoreError.self) {
                try await database.write { try WebhookOutbox.enqueue(in: $0, event: event) }
            }
        }
    }
}
