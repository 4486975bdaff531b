import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Isolation between companies and roles", .timeLimit(.minutes(2)))
struct IsolationTests {
    @Test("an administrator of A cannot reach B's resources, nor those of companies that do not exist", arguments: TestBackend.available)
    func crossCompany(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let a = try await identity.activeCompany()
            let b = try await identity.activeCompany(businessTypes: ["oceanShipping"])
            // B owns a webhook target and an API key.
            var createTarget = Cyberport_Identity_V1_CreateWebhookTargetRequest()
            createTarget.parent = b.name
            var target = Cyberport_Identity_V1_WebhookTarget()
            target.displayName = "B の受信口"
            target.url = "https://b.example.jp/hooks"
            target.secretToken = "b-secret-token-value"
            createTarget.webhookTarget = target
            let bTarget = try await identity.webhooks.createWebhookTarget(createTarget, options: b.admin)
            var createKey = Cyberport_Identity_V1_CreateApiKeyRequest()
            createKey.parent = b.organization
            var key = Cyberport_Identity_V1_ApiKey()
            key.displayName = "B 連携"
            createKey.apiKey = key
            let bKey = try await identity.apiKeys.createApiKey(createKey, options: b.admin)

            let missing = "companies/\(ResourceID.generate())"
            for company in [b.name, missing] {
                let organization = company == b.name ? b.organization : "\(missing)/organizations/\(ResourceID.generate())"
                let note = Comment(rawValue: company == b.name ? "company B" : "missing company")
                var get = Cyberport_Identity_V1_GetCompanyRequest()
                get.name = company
                await expectRPCError(.permissionDenied, reason: "PERMISSION_DENIED", note) {
                    try await identity.companies.getCompany(get, options: a.admin)
                }
                var update = Cyberport_Identity_V1_UpdateCompanyRequest()
                var changed = Cyberport_Identity_V1_Company()
                changed.name = company
                changed.legalNameEn = "Hijacked Ltd."
                update.company = changed
                update.updateMask = fieldMask("legal_name_en")
                await expectRPCError(.permissionDenied, note) {
                    try await identity.companies.updateCompany(update, options: a.admin)
                }
                var listOrganizations = Cyberport_Identity_V1_ListOrganizationsRequest()
                listOrganizations.parent = company
                await expectRPCError(.permissionDenied, note) {
                    try await identity.organizations.listOrganizations(listOrganizations, options: a.admin)
                }
                var createOrganization = Cyberport_Identity_V1_CreateOrganizationRequest()
                createOrganization.parent = company
                var newOrganization = Cyberport_Identity_V1_Organization()
                newOrganization.displayName = "侵入部"
                createOrganization.organization = newOrganization
                await expectRPCError(.permissionDenied, note) {
                    try await identity.organizations.createOrganization(createOrganization, options: a.admin)
                }
                await expectRPCError(.permissionDenied, note) {
                    try await identity.getOrganization(organization, a.admin)
                }
                var listUsers = Cyberport_Identity_V1_ListUsersRequest()
                listUsers.parent = company
                await expectRPCError(.permissionDenied, note) {
                    try await identity.users.listUsers(listUsers, options: a.admin)
                }
                var createUser = Cyberport_Identity_V1_CreateUserRequest()
                createUser.parent = company
                var user = Cyberport_Identity_V1_User()
                user.email = uniqueEmail("intruder")
                user.displayName = "Intruder"
                user.organization = organization
                createUser.user = user
                await expectRPCError(.permissionDenied, note) {
                    try await identity.users.createUser(createUser, options: a.admin)
                }
                var listTargets = Cyberport_Identity_V1_ListWebhookTargetsRequest()
                listTargets.parent = company
                await expectRPCError(.permissionDenied, note) {
                    try await identity.webhooks.listWebhookTargets(listTargets, options: a.admin)
                }
                var listKeys = Cyberport_Identity_V1_ListApiKeysRequest()
                listKeys.parent = organization
                await expectRPCError(.permissionDenied, note) {
                    try await identity.apiKeys.listApiKeys(listKeys, options: a.admin)
                }
                var importUsers = Cyberport_Identity_V1_ImportUsersRequest()
                importUsers.parent = company
                importUsers.csv = "email,display_name,organization,role\nx@example.jp,X,\(organization),user\n"
                await expectRPCError(.permissionDenied, note) {
                    try await identity.users.importUsers(importUsers, options: a.admin)
                }
            }
            // B's individual resources.
            var getTarget = Cyberport_Identity_V1_GetWebhookTargetRequest()
            getTarget.name = bTarget.name
            await expectRPCError(.permissionDenied) {
                try await identity.webhooks.getWebhookTarget(getTarget, options: a.admin)
            }
            var revoke = Cyberport_Identity_V1_RevokeApiKeyRequest()
            revoke.name = try #require(bKey.apiKey).name
            await expectRPCError(.permissionDenied) {
                try await identity.apiKeys.revokeApiKey(revoke, options: a.admin)
            }
            var getUser = Cyberport_Identity_V1_GetUserRequest()
            getUser.name = b.administrator
            await expectRPCError(.permissionDenied) {
                try await identity.users.getUser(getUser, options: a.admin)
            }
            var disable = Cyberport_Identity_V1_DisableUserRequest()
            disable.name = b.administrator
            await expectRPCError(.permissionDenied) {
                try await identity.users.disableUser(disable, options: a.admin)
            }
            // Nothing of B changed.
            let bCompany = try await identity.companies.getCompany(
                { var r = Cyberport_Identity_V1_GetCompanyRequest(); r.name = b.name; return r }(), options: b.admin)
            #expect(bCompany.legalNameEn == "Nippon Port Logistics Co., Ltd.")
            #expect(try await identity.allUsers(of: b.name, b.admin).count == 1)
        }
    }

    @Test("plain users and API keys cannot administer their own company", arguments: TestBackend.available)
    func plainUser(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let member = try await identity.createUser(in: company)
            let memberOptions = identity.options(try await identity.login(member.email, member.password))
            let caller = try await identity.caller(memberOptions)
            #expect(caller.roles == ["user"])

            await expectRPCError(.permissionDenied, reason: "PERMISSION_DENIED") {
                try await identity.createUser(in: company, as: memberOptions)
            }
            var listUsers = Cyberport_Identity_V1_ListUsersRequest()
            listUsers.parent = company.name
            await expectRPCError(.permissionDenied) {
                try await identity.users.listUsers(listUsers, options: memberOptions)
            }
            await expectRPCError(.permissionDenied) {
                try await identity.createOrganization(in: company, displayName: "勝手な部署", as: memberOptions)
            }
            // Members may read their company and organization, and their own user.
            var get = Cyberport_Identity_V1_GetCompanyRequest()
            get.name = company.name
            #expect(try await identity.companies.getCompany(get, options: memberOptions).name == company.name)
            #expect(try await identity.getOrganization(company.organization, memberOptions).name == company.organization)
            var getSelf = Cyberport_Identity_V1_GetUserRequest()
            getSelf.name = member.name
            #expect(try await identity.users.getUser(getSelf, options: memberOptions).email == member.email)
            var getAdmin = Cyberport_Identity_V1_GetUserRequest()
            getAdmin.name = company.administrator
            await expectRPCError(.permissionDenied) {
                try await identity.users.getUser(getAdmin, options: memberOptions)
            }
            // A user may rename itself, but not change its role.
            var rename = Cyberport_Identity_V1_UpdateUserRequest()
            var renamed = member.user
            renamed.displayName = "新しい名前"
            renamed.etag = ""
            rename.user = renamed
            rename.updateMask = fieldMask("display_name")
            #expect(try await identity.users.updateUser(rename, options: memberOptions).displayName == "新しい名前")
            var promote = Cyberport_Identity_V1_UpdateUserRequest()
            var promoted = member.user
            promoted.role = .administrator
            promoted.etag = ""
            promote.user = promoted
            promote.updateMask = fieldMask("role")
            await expectRPCError(.permissionDenied) {
                try await identity.users.updateUser(promote, options: memberOptions)
            }
        }
    }

    @Test("only operators list, approve, suspend companies and register public bodies", arguments: TestBackend.available)
    func operatorOnly(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let pending = try await identity.registerCompany(businessTypes: ["forwarder"])
            await expectRPCError(.permissionDenied) {
                try await identity.companies.listCompanies(Cyberport_Identity_V1_ListCompaniesRequest(), options: company.admin)
            }
            var approve = Cyberport_Identity_V1_ApproveCompanyRequest()
            approve.name = pending.name
            await expectRPCError(.permissionDenied) {
                try await identity.companies.approveCompany(approve, options: company.admin)
            }
            // Not even its own company.
            approve.name = company.name
            await expectRPCError(.permissionDenied) {
                try await identity.companies.approveCompany(approve, options: company.admin)
            }
            var suspend = Cyberport_Identity_V1_SuspendCompanyRequest()
            suspend.name = company.name
            suspend.reason = "test"
            await expectRPCError(.permissionDenied) {
                try await identity.companies.suspendCompany(suspend, options: company.admin)
            }
            var reject = Cyberport_Identity_V1_RejectCompanyRequest()
            reject.name = pending.name
            reject.reason = "competitor"
            await expectRPCError(.permissionDenied) {
                try await identity.companies.rejectCompany(reject, options: company.admin)
            }
            await expectRPCError(.permissionDenied) {
                try await identity.companies.registerPublicBody(OrganizationTests.publicBodyRequest(), options: company.admin)
            }
            await expectRPCError(.permissionDenied) {
                try await identity.auth.rotateSigningKeys(Cyberport_Identity_V1_RotateSigningKeysRequest(), options: company.admin)
            }
            // The pending company is untouched.
            var list = Cyberport_Identity_V1_ListCompaniesRequest()
            list.status = .pending
            let stillPending = try await identity.companies.listCompanies(list, options: try await identity.operatorOptions())
            #expect(stillPending.companies.map(\.name) == [pending.name])
        }
    }

    @Test("calls without a valid token are UNAUTHENTICATED", arguments: TestBackend.available)
    func unauthenticated(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            var listUsers = Cyberport_Identity_V1_ListUsersRequest()
            listUsers.parent = company.name
            var garbage = Metadata()
            garbage.add("authorization", "Bearer not.a.jwt")
            var wrongScheme = Metadata()
            wrongScheme.add("authorization", "Basic \(company.adminToken)")
            // A token signed by someone else: the right shape, a made-up key id and signature.
            let parts = company.adminToken.split(separator: ".")
            var forged = Metadata()
            forged.add("authorization", "Bearer \(parts[0]).\(parts[1]).\(String(parts[2].reversed()))")
            let cases: [(String, CallOptions)] = [
                ("no token", identity.anonymous),
                ("garbage token", CallOptions(metadata: garbage)),
                ("wrong scheme", CallOptions(metadata: wrongScheme)),
                ("bad signature", CallOptions(metadata: forged)),
            ]
            for (label, options) in cases {
                await expectRPCError(.unauthenticated, Comment(rawValue: label)) {
                    try await identity.caller(options)
                }
                await expectRPCError(.unauthenticated, Comment(rawValue: label)) {
                    try await identity.users.listUsers(listUsers, options: options)
                }
                await expectRPCError(.unauthenticated, Comment(rawValue: label)) {
                    try await identity.companies.lookupCompanyByVgmNumber(
                        { var r = Cyberport_Identity_V1_LookupCompanyByVgmNumberRequest(); r.vgmNumber = "N-1"; return r }(),
                        options: options)
                }
            }
            // Public methods need no token.
            _ = try await identity.auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: identity.anonymous)
        }
    }
}
