import CyberPortTestSupport
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("API keys and service credentials", .timeLimit(.minutes(2)))
struct ApiKeyTests {
    static func createRequest(parent: String, displayName: String = "基幹システム連携", serviceName: String = "")
        -> Cyberport_Identity_V1_CreateApiKeyRequest
    {
        var request = Cyberport_Identity_V1_CreateApiKeyRequest()
        request.parent = parent
        var key = Cyberport_Identity_V1_ApiKey()
        key.displayName = displayName
        key.serviceName = serviceName
        request.apiKey = key
        return request
    }

    static func exchange(_ key: String) -> Cyberport_Identity_V1_ExchangeApiKeyRequest {
        var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
        request.apiKey = key
        return request
    }

    static func list(_ parent: String, showRevoked: Bool = false) -> Cyberport_Identity_V1_ListApiKeysRequest {
        var request = Cyberport_Identity_V1_ListApiKeysRequest()
        request.parent = parent
        request.showRevoked = showRevoked
        return request
    }

    @Test("an API key is shown once, exchanges for an organization token, and stops working when revoked", arguments: TestBackend.available)
    func organizationKey(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let created = try await identity.apiKeys.createApiKey(
                Self.createRequest(parent: company.organization), options: company.admin)
            let key = try #require(created.apiKey)
            #expect(created.key.hasPrefix("cpk_"))
            #expect(!key.keyPrefix.isEmpty)
            #expect(created.key.hasPrefix(key.keyPrefix))
            #expect(key.keyPrefix.count < created.key.count)
            #expect(key.name.hasPrefix(company.organization + "/apiKeys/"))
            #expect(key.displayName == "基幹システム連携")
            #expect(key.lastUseTime == nil)
            #expect(key.revokeTime == nil)

            // Listing never reveals the key.
            let listed = try await identity.apiKeys.listApiKeys(Self.list(company.organization), options: company.admin)
            #expect(listed.apiKeys.map(\.name) == [key.name])
            #expect(listed.apiKeys[0].keyPrefix == key.keyPrefix)
            #expect(!String(decoding: listed.apiKeys[0].serializedBytes(), as: UTF8.self).contains(created.key))

            // Exchange: an access token for the organization, without a refresh token.
            let grant = try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)
            #expect(grant.refreshToken.isEmpty)
            #expect(grant.tokenType == "Bearer")
            let caller = try await identity.caller(identity.options(grant.accessToken))
            #expect(caller.kind == "apiKey")
            #expect(caller.subject == key.name)
            #expect(caller.organization == company.organization)
            #expect(caller.company == company.name)
            #expect(caller.businessTypes == ["customsBroker", "forwarder"])
            #expect(caller.email.isEmpty)
            #expect(!caller.roles.contains("administrator"))

            // An API key acts for its organization, not as an administrator.
            await expectRPCError(.permissionDenied) {
                try await identity.createUser(in: company, as: identity.options(grant.accessToken))
            }
            var getCompany = Cyberport_Identity_V1_GetCompanyRequest()
            getCompany.name = company.name
            _ = try await identity.companies.getCompany(getCompany, options: identity.options(grant.accessToken))

            let used = try await identity.apiKeys.listApiKeys(Self.list(company.organization), options: company.admin)
            #expect(used.apiKeys.first?.lastUseTime != nil)

            // Revoke: exchanges fail; the key is listed again only with show_revoked.
            var revoke = Cyberport_Identity_V1_RevokeApiKeyRequest()
            revoke.name = key.name
            let revoked = try await identity.apiKeys.revokeApiKey(revoke, options: company.admin)
            #expect(revoked.revokeTime != nil)
            await expectRPCError(.unauthenticated, reason: "API_KEY_REVOKED") {
                try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)
            }
            #expect(try await identity.apiKeys.listApiKeys(Self.list(company.organization), options: company.admin).apiKeys.isEmpty)
            let all = try await identity.apiKeys.listApiKeys(Self.list(company.organization, showRevoked: true), options: company.admin)
            #expect(all.apiKeys.map(\.name) == [key.name])
            #expect(all.apiKeys.first?.revokeTime != nil)

            // Made-up and tampered keys.
            await expectRPCError(.unauthenticated, reason: "INVALID_API_KEY") {
                try await identity.auth.exchangeApiKey(Self.exchange("cpk_nothing_here"), options: identity.anonymous)
            }
            let other = try await identity.apiKeys.createApiKey(Self.createRequest(parent: company.organization), options: company.admin)
            var tampered = Array(other.key)
            tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
            await expectRPCError(.unauthenticated, reason: "INVALID_API_KEY") {
                try await identity.auth.exchangeApiKey(Self.exchange(String(tampered)), options: identity.anonymous)
            }
            // Only the operator makes service credentials.
            await expectRPCError(.permissionDenied) {
                try await identity.apiKeys.createApiKey(
                    Self.createRequest(parent: company.organization, serviceName: "deals"), options: company.admin)
            }
        }
    }

    @Test("a key of a suspended company or disabled organization cannot be exchanged", arguments: TestBackend.available)
    func unusableKey(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let branch = try await identity.createOrganization(in: company, displayName: "システム部", businessTypes: ["forwarder"])
            let created = try await identity.apiKeys.createApiKey(Self.createRequest(parent: branch.name), options: company.admin)
            var disable = Cyberport_Identity_V1_DisableOrganizationRequest()
            disable.name = branch.name
            _ = try await identity.organizations.disableOrganization(disable, options: company.admin)
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)
            }
            var enable = Cyberport_Identity_V1_EnableOrganizationRequest()
            enable.name = branch.name
            _ = try await identity.organizations.enableOrganization(enable, options: company.admin)
            _ = try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)

            // Expiry: in the past is refused; a key past its expiry cannot be exchanged.
            var expired = Self.createRequest(parent: branch.name)
            expired.apiKey?.expireTime = Google_Protobuf_Timestamp(micros: (Int64(Date().timeIntervalSince1970) - 60) * 1_000_000)
            await expectRPCError(.invalidArgument, field: "api_key.expire_time") {
                try await identity.apiKeys.createApiKey(expired, options: company.admin)
            }
            var shortLived = Self.createRequest(parent: branch.name)
            shortLived.apiKey?.expireTime = Google_Protobuf_Timestamp(micros: Int64((Date().timeIntervalSince1970 + 1) * 1_000_000))
            let expiring = try await identity.apiKeys.createApiKey(shortLived, options: company.admin)
            #expect(expiring.apiKey?.expireTime != nil)
            _ = try await identity.auth.exchangeApiKey(Self.exchange(expiring.key), options: identity.anonymous)
            try await Task.sleep(for: .milliseconds(1100))
            await expectRPCError(.unauthenticated, reason: "API_KEY_EXPIRED") {
                try await identity.auth.exchangeApiKey(Self.exchange(expiring.key), options: identity.anonymous)
            }

            var suspend = Cyberport_Identity_V1_SuspendCompanyRequest()
            suspend.name = company.name
            suspend.reason = "未払い"
            _ = try await identity.companies.suspendCompany(suspend, options: try await identity.operatorOptions())
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)
            }
        }
    }

    @Test("a service credential of the platform organization exchanges for a service token", arguments: TestBackend.available)
    func serviceCredential(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let operatorOptions = try await identity.operatorOptions()
            let platformOrganization = try await identity.caller(operatorOptions).organization
            #expect(!platformOrganization.isEmpty)

            let company = try await identity.activeCompany()
            // Service credentials belong to the platform company only, and need a valid name.
            await expectRPCError(.invalidArgument, field: "api_key.service_name") {
                try await identity.apiKeys.createApiKey(
                    Self.createRequest(parent: company.organization, serviceName: "deals"), options: operatorOptions)
            }
            await expectRPCError(.invalidArgument, field: "api_key.service_name") {
                try await identity.apiKeys.createApiKey(
                    Self.createRequest(parent: platformOrganization, serviceName: "Deals_Service"), options: operatorOptions)
            }

            let created = try await identity.apiKeys.createApiKey(
                Self.createRequest(parent: platformOrganization, displayName: "Deals service", serviceName: "deals"),
                options: operatorOptions)
            #expect(created.apiKey?.serviceName == "deals")
            let grant = try await identity.auth.exchangeApiKey(Self.exchange(created.key), options: identity.anonymous)
            let serviceOptions = identity.options(grant.accessToken)
            let caller = try await identity.caller(serviceOptions)
            #expect(caller.kind == "service")
            #expect(caller.subject == "services/deals")
            #expect(caller.roles == ["service"])
            #expect(caller.businessTypes.isEmpty)

            // The service reads another company's webhook targets with their secrets.
            let target = try await WebhookTests.createTarget(identity, company, secret: "whsec-0123456789abcdef")
            var list = Cyberport_Identity_V1_ListWebhookTargetsRequest()
            list.parent = company.name
            let seenByService = try await identity.webhooks.listWebhookTargets(list, options: serviceOptions)
            #expect(seenByService.webhookTargets.map(\.name) == [target.name])
            #expect(seenByService.webhookTargets.first?.secretToken == "whsec-0123456789abcdef")
            #expect(seenByService.webhookTargets.first?.hasSecretToken == true)

            let seenByAdmin = try await identity.webhooks.listWebhookTargets(list, options: company.admin)
            #expect(seenByAdmin.webhookTargets.first?.secretToken == "")
            #expect(seenByAdmin.webhookTargets.first?.hasSecretToken == true)

            // A service is no administrator: it cannot change the target.
            var update = Cyberport_Identity_V1_UpdateWebhookTargetRequest()
            var changed = target
            changed.url = "https://attacker.example.com/"
            update.webhookTarget = changed
            update.updateMask = fieldMask("url")
            await expectRPCError(.permissionDenied) {
                try await identity.webhooks.updateWebhookTarget(update, options: serviceOptions)
            }
        }
    }
}
