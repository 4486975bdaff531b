import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Administrators, disabled accounts and suspended companies", .timeLimit(.minutes(2)))
struct AdministratorTests {
    static func disable(_ user: String) -> Cyberport_Identity_V1_DisableUserRequest {
        var request = Cyberport_Identity_V1_DisableUserRequest()
        request.name = user
        return request
    }

    static func setRole(_ user: String, _ role: Cyberport_Identity_V1_UserRole) -> Cyberport_Identity_V1_UpdateUserRequest {
        var request = Cyberport_Identity_V1_UpdateUserRequest()
        var changed = Cyberport_Identity_V1_User()
        changed.name = user
        changed.role = role
        request.user = changed
        request.updateMask = fieldMask("role")
        return request
    }

    @Test("the last administrator can be neither disabled nor demoted", arguments: TestBackend.available)
    func lastAdministrator(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            await expectRPCError(.failedPrecondition, reason: "LAST_ADMINISTRATOR") {
                try await identity.users.disableUser(Self.disable(company.administrator), options: company.admin)
            }
            await expectRPCError(.failedPrecondition, reason: "LAST_ADMINISTRATOR") {
                try await identity.users.updateUser(Self.setRole(company.administrator, .user), options: company.admin)
            }
            // Disabling its organization would lock the company out as well.
            var disableOrganization = Cyberport_Identity_V1_DisableOrganizationRequest()
            disableOrganization.name = company.organization
            await expectRPCError(.failedPrecondition, reason: "LAST_ADMINISTRATOR") {
                try await identity.organizations.disableOrganization(disableOrganization, options: company.admin)
            }

            // With a second administrator, the first can be demoted and then disabled.
            let second = try await identity.createUser(in: company, role: .administrator)
            let secondOptions = identity.options(try await identity.login(second.email, second.password))
            #expect(try await identity.caller(secondOptions).roles == ["administrator"])
            let demoted = try await identity.users.updateUser(Self.setRole(company.administrator, .user), options: company.admin)
            #expect(demoted.role == .user)
            let disabled = try await identity.users.disableUser(Self.disable(company.administrator), options: secondOptions)
            #expect(disabled.state == .disabled)

            // A disabled user cannot log in.
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            }
            // Now the second one is the last administrator.
            await expectRPCError(.failedPrecondition, reason: "LAST_ADMINISTRATOR") {
                try await identity.users.disableUser(Self.disable(second.name), options: secondOptions)
            }
            await expectRPCError(.failedPrecondition, reason: "LAST_ADMINISTRATOR") {
                try await identity.users.updateUser(Self.setRole(second.name, .user), options: secondOptions)
            }
            // Enabling brings the first back (as a user).
            var enable = Cyberport_Identity_V1_EnableUserRequest()
            enable.name = company.administrator
            #expect(try await identity.users.enableUser(enable, options: secondOptions).state == .active)
            let token = try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            #expect(try await identity.caller(identity.options(token)).roles == ["user"])
        }
    }

    @Test("disabling a user or its organization stops login and refresh", arguments: TestBackend.available)
    func disabledOrganization(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let branch = try await identity.createOrganization(in: company, displayName: "大阪支店", businessTypes: ["forwarder"])
            let member = try await identity.createUser(in: company, organization: branch.name)
            let session = try await identity.grant(member.email, member.password)
            #expect(try await identity.caller(identity.options(session.accessToken)).businessTypes == ["forwarder"])

            var disable = Cyberport_Identity_V1_DisableOrganizationRequest()
            disable.name = branch.name
            disable.etag = branch.etag
            let disabled = try await identity.organizations.disableOrganization(disable, options: company.admin)
            #expect(!disabled.enabled)
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.login(member.email, member.password)
            }
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.refresh(session.refreshToken)
            }
            // Disabled organizations are hidden unless asked for.
            var list = Cyberport_Identity_V1_ListOrganizationsRequest()
            list.parent = company.name
            #expect(try await identity.organizations.listOrganizations(list, options: company.admin).organizations.map(\.name) == [company.organization])
            list.showDisabled = true
            #expect(try await identity.organizations.listOrganizations(list, options: company.admin).organizations.count == 2)

            var enable = Cyberport_Identity_V1_EnableOrganizationRequest()
            enable.name = branch.name
            #expect(try await identity.organizations.enableOrganization(enable, options: company.admin).enabled)
            let again = try await identity.grant(member.email, member.password)

            // Disabling the user revokes its refresh tokens.
            let user = try await identity.users.disableUser(Self.disable(member.name), options: company.admin)
            #expect(user.state == .disabled)
            await expectRPCError(.permissionDenied) {
                try await identity.login(member.email, member.password)
            }
            await expectRPCError(.unauthenticated, reason: "SESSION_REVOKED") {
                try await identity.refresh(again.refreshToken)
            }
        }
    }

    @Test("a suspended company cannot log in or refresh; reinstating restores login", arguments: TestBackend.available)
    func suspension(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let member = try await identity.createUser(in: company)
            let session = try await identity.grant(member.email, member.password)
            let operatorOptions = try await identity.operatorOptions()

            var suspend = Cyberport_Identity_V1_SuspendCompanyRequest()
            suspend.name = company.name
            suspend.reason = "契約違反の調査中"
            let suspended = try await identity.companies.suspendCompany(suspend, options: operatorOptions)
            #expect(suspended.status == .suspended)
            #expect(suspended.statusReason == "契約違反の調査中")

            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            }
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.login(member.email, member.password)
            }
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.refresh(session.refreshToken)
            }
            // Suspending twice is a state error; stale etags are ABORTED.
            await expectRPCError(.failedPrecondition, reason: "INVALID_STATE") {
                try await identity.companies.suspendCompany(suspend, options: operatorOptions)
            }
            var reinstate = Cyberport_Identity_V1_ReinstateCompanyRequest()
            reinstate.name = company.name
            reinstate.etag = company.registered.company.etag
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await identity.companies.reinstateCompany(reinstate, options: operatorOptions)
            }
            reinstate.etag = suspended.etag
            let reinstated = try await identity.companies.reinstateCompany(reinstate, options: operatorOptions)
            #expect(reinstated.status == .approved)
            #expect(reinstated.statusReason.isEmpty)

            let token = try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            #expect(try await identity.caller(identity.options(token)).company == company.name)
            _ = try await identity.login(member.email, member.password)
        }
    }
}
