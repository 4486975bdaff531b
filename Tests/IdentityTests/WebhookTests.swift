import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Webhook targets", .timeLimit(.minutes(2)))
struct WebhookTests {
    static func createTarget(
        _ identity: IdentityHarness, _ company: ActiveCompany, secret: String, organizations: [String] = []
    ) async throws -> Cyberport_Identity_V1_WebhookTarget {
        var request = Cyberport_Identity_V1_CreateWebhookTargetRequest()
        request.parent = company.name
        var target = Cyberport_Identity_V1_WebhookTarget()
        target.displayName = "基幹システム受信口"
        target.url = "https://hooks.example.co.jp/cyberport"
        target.secretToken = secret
        target.organizations = organizations
        request.webhookTarget = target
        return try await identity.webhooks.createWebhookTarget(request, options: company.admin)
    }

    @Test("administrators manage targets and never read the secret back", arguments: TestBackend.available)
    func lifecycle(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let created = try await Self.createTarget(identity, company, secret: "whsec-first-secret", organizations: [company.organization])
            #expect(created.name.hasPrefix(company.name + "/webhookTargets/"))
            #expect(created.secretToken.isEmpty)
            #expect(created.hasSecretToken)
            #expect(created.organizations == [company.organization])
            #expect(!created.etag.isEmpty)

            var get = Cyberport_Identity_V1_GetWebhookTargetRequest()
            get.name = created.name
            let fetched = try await identity.webhooks.getWebhookTarget(get, options: company.admin)
            #expect(fetched.secretToken.isEmpty)
            #expect(fetched.hasSecretToken)
            #expect(fetched.url == "https://hooks.example.co.jp/cyberport")

            // Update the URL with a stale etag, then with the current one.
            var update = Cyberport_Identity_V1_UpdateWebhookTargetRequest()
            var changed = fetched
            changed.url = "https://hooks.example.co.jp/v2"
            changed.etag = "\"v999\""
            update.webhookTarget = changed
            update.updateMask = fieldMask("url")
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await identity.webhooks.updateWebhookTarget(update, options: company.admin)
            }
            changed.etag = fetched.etag
            update.webhookTarget = changed
            let updated = try await identity.webhooks.updateWebhookTarget(update, options: company.admin)
            #expect(updated.url == "https://hooks.example.co.jp/v2")
            #expect(updated.hasSecretToken)
            #expect(updated.secretToken.isEmpty)

            // Filter by organization.
            let branch = try await identity.createOrganization(in: company, displayName: "神戸支店")
            var list = Cyberport_Identity_V1_ListWebhookTargetsRequest()
            list.parent = company.name
            list.organization = branch.name
            #expect(try await identity.webhooks.listWebhookTargets(list, options: company.admin).webhookTargets.isEmpty)
            list.organization = company.organization
            #expect(try await identity.webhooks.listWebhookTargets(list, options: company.admin).webhookTargets.map(\.name) == [created.name])

            // Organizations must exist.
            var bad = Cyberport_Identity_V1_CreateWebhookTargetRequest()
            bad.parent = company.name
            var target = Cyberport_Identity_V1_WebhookTarget()
            target.displayName = "x"
            target.url = "https://example.jp/"
            target.organizations = ["\(company.name)/organizations/\(ResourceID.generate())"]
            bad.webhookTarget = target
            await expectRPCError(.notFound) {
                try await identity.webhooks.createWebhookTarget(bad, options: company.admin)
            }

            // Plain users cannot see targets.
            let member = try await identity.createUser(in: company)
            let memberOptions = identity.options(try await identity.login(member.email, member.password))
            list.organization = ""
            await expectRPCError(.permissionDenied) {
                try await identity.webhooks.listWebhookTargets(list, options: memberOptions)
            }

            // Delete.
            var delete = Cyberport_Identity_V1_DeleteWebhookTargetRequest()
            delete.name = created.name
            _ = try await identity.webhooks.deleteWebhookTarget(delete, options: company.admin)
            await expectRPCError(.notFound) {
                try await identity.webhooks.getWebhookTarget(get, options: company.admin)
            }
            #expect(try await identity.webhooks.listWebhookTargets(list, options: company.admin).webhookTargets.isEmpty)
        }
    }
}
