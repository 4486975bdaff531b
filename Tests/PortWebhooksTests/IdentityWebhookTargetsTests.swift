import CyberPortTestSupport
import Foundation
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortStore
import PortWebhooks
import Testing

/// `IdentityWebhookTargets` against a real Identity, with a real service credential, and a delivery through it.
@Suite("IdentityWebhookTargets", .timeLimit(.minutes(2)))
struct IdentityWebhookTargetsTests {
    @Test("lists an organization's targets with their secrets across pages, and delivers to them", arguments: TestBackend.available)
    func identityTargets(backend: TestBackend) async throws {
        try await withIdentity(backend, prefix: "webhooks") { identity in
            try await withReceiver { receiver in
                let company = try await identity.activeCompany()
                let other = try await identity.createOrganization(in: company, displayName: "別部署")
                var created: [String: String] = [:]
                for index in 1...3 {
                    let target = try await Self.createTarget(
                        identity, company, url: receiver.url("/t\(index)"), secret: "secret-\(index)",
                        organizations: [company.organization])
                    created[target.name] = "secret-\(index)"
                }
                let elsewhere = try await Self.createTarget(
                    identity, company, url: receiver.url("/other"), secret: "secret-other", organizations: [other.name])

                let tokens = identity.serviceTokens(try await identity.serviceCredential("deals"))
                let directory = IdentityWebhookTargets(client: identity.client, tokens: tokens, cacheTTL: .zero, pageSize: 2)
                let targets = try await directory.targets(forOrganization: company.organization)
                #expect(Set(targets.map(\.name)) == Set(created.keys))
                for target in targets {
                    #expect(target.secret == created[target.name])
                    #expect(target.organizations == [company.organization])
                    #expect(target.url.hasPrefix(receiver.url("/t")))
                }
                #expect(try await directory.targets(forOrganization: other.name).map(\.name) == [elsewhere.name])
                let fetched = try #require(try await directory.target(named: elsewhere.name))
                #expect(fetched.secret == "secret-other")
                #expect(fetched.url == receiver.url("/other"))
                #expect(!"\(fetched)".contains("secret-other"))
                #expect(try await directory.target(named: "\(company.name)/webhookTargets/\(UUID().uuidString.lowercased())") == nil)

                // Without a service credential, nothing can be read.
                let anonymous = IdentityWebhookTargets(client: identity.client, tokens: nil)
                await #expect(throws: RPCError.self) { _ = try await anonymous.targets(forOrganization: company.organization) }
                // A user's token is no service token: Identity refuses a non-administrator.
                let user = try await identity.createUser(in: company)
                let userToken = try await identity.login(user.email, user.password)
                let asUser = IdentityWebhookTargets(client: identity.client, tokens: BearerTokenSource(staticToken: userToken))
                await #expect(throws: RPCError.self) { _ = try await asUser.targets(forOrganization: company.organization) }

                // End to end: an event for the organization reaches its three targets, signed with their secrets.
                let testDatabase = try TestDatabase(backend, prefix: "webhooks")
                let database = try await testDatabase.open(migrations: OutboxFixture.migrations, logger: OutboxFixture.quiet)
                let dispatcher = WebhookDispatcher(
                    database: database, directory: IdentityWebhookTargets(client: identity.client, tokens: tokens),
                    configuration: OutboxFixture.fastConfiguration(), logger: OutboxFixture.quiet)
                await dispatcher.start()
                let event = try await OutboxFixture.enqueue(database, organizations: [company.organization])
                dispatcher.notify()
                let records = try await allFinished(database, count: 3)
                await dispatcher.stop()
                await database.close()
                await testDatabase.destroy()

                #expect(records.allSatisfy { $0.status == .delivered })
                #expect(Set(records.map(\.target)) == Set(created.keys))
                #expect(receiver.requests.count == 3)
                for request in receiver.requests {
                    let record = try #require(records.first { $0.id == request.deliveryID })
                    let secret = try #require(created[record.target])
                    let timestamp = try #require(request.header("CyberPort-Timestamp").flatMap { Int64($0) })
                    #expect(WebhookSignature.isValid(
                        request.header("CyberPort-Signature") ?? "", secret: secret, timestamp: timestamp, body: event.payload))
                }
            }
        }
    }

    static func createTarget(
        _ identity: IdentityHarness, _ company: ActiveCompany, url: String, secret: String, organizations: [String]
    ) async throws -> Cyberport_Identity_V1_WebhookTarget {
        var request = Cyberport_Identity_V1_CreateWebhookTargetRequest()
        request.parent = company.name
        var target = Cyberport_Identity_V1_WebhookTarget()
        target.displayName = "基幹システム受信口"
        target.url = url
        target.secretToken = secret
        target.organizations = organizations
        request.webhookTarget = target
        return try await identity.webhooks.createWebhookTarget(request, options: company.admin)
    }
}

