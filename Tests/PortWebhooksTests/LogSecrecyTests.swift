import CyberPortTestSupport
import Logging
import PortWebhooks
import Synchronization
import Testing

/// Collects every log line with its metadata, rendered as text.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "webhooks-capture") { _ in CapturingHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }
}

private struct CapturingHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        sink.append("\(event.message) \(merged.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
    }
}

@Suite("Webhook logs", .timeLimit(.minutes(1)))
struct LogSecrecyTests {
    @Test("logs name deliveries and targets but never secrets, URLs or bodies", arguments: TestBackend.available)
    func noSecretsInLogs(backend: TestBackend) async throws {
        try await withOutbox(backend) { _, database in
            try await withReceiver({ _, index in index == 0 ? .respond(500, body: Array("body-from-receiver".utf8)) : .respond(200) }) {
                receiver in
                let organization = OutboxFixture.organization(1)
                let url = receiver.url("/hook?token=url-credential")
                let directory = FakeDirectory([
                    WebhookTarget(name: OutboxFixture.targetName(1), url: url, secret: "top-secret-token", organizations: [organization])
                ])
                let logs = CapturedLogs()
                let dispatcher = WebhookDispatcher(
                    database: database, directory: directory, configuration: OutboxFixture.fastConfiguration(),
                    logger: logs.logger())
                await dispatcher.start()
                try await OutboxFixture.enqueue(database, organizations: [organization], note: "payload-marker")
                let records = try await allFinished(database, count: 1)
                await dispatcher.stop()

                let text = logs.all.joined(separator: "\n")
                #expect(text.contains("webhook delivered"))
                #expect(text.contains(records[0].id))
                #expect(text.contains(OutboxFixture.targetName(1)))
                for secret in ["top-secret-token", "url-credential", "payload-marker", "body-from-receiver"] {
                    #expect(!text.contains(secret), "the logs contain \(secret)")
                }
            }
        }
    }
}
