import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Registration and approval", .timeLimit(.minutes(2)))
struct RegistrationTests {
    @Test("the corporate-number generator matches the published check-digit rule")
    func corporateNumberGenerator() {
        #expect(CorporateNumber.checkDigit(base: "180301018771") == 1)  // 1180301018771 is a real, valid number
        for _ in 0..<100 {
            let number = CorporateNumber.generate()
            #expect(number.count == 13)
            #expect(CorporateNumber.checkDigit(base: String(number.dropFirst())) == Int(String(number.first!)))
            #expect(CorporateNumber.withWrongCheckDigit(number) != number)
        }
    }

    @Test("register → pending, login refused, operator approves a subset, the administrator logs in", arguments: TestBackend.available)
    func registerApproveLogin(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let registered = try await identity.registerCompany(
                businessTypes: ["forwarder", "customsBroker", "roadTransport"], organizationDisplayName: "東京本社")
            #expect(registered.company.status == .pending)
            #expect(registered.company.kind == .business)
            #expect(Set(registered.company.businessTypes.map(\.businessType)) == ["roadTransport", "customsBroker", "forwarder"])
            #expect(registered.company.businessTypes.allSatisfy { $0.status == .pending })
            #expect(registered.organization.hasPrefix(registered.name + "/organizations/"))
            #expect(registered.administrator.hasPrefix(registered.name + "/users/"))

            // Pending: the administrator cannot log in yet.
            await expectRPCError(.permissionDenied, reason: "ACCOUNT_NOT_USABLE") {
                try await identity.login(registered.adminEmail, registered.adminPassword)
            }

            // The operator sees it among the pending companies.
            let operatorOptions = try await identity.operatorOptions()
            var list = Cyberport_Identity_V1_ListCompaniesRequest()
            list.status = .pending
            let pending = try await identity.companies.listCompanies(list, options: operatorOptions)
            #expect(pending.companies.map(\.name) == [registered.name])

            // Approve two of the three types: the third is rejected.
            let approved = try await identity.approve(registered, only: ["forwarder", "customsBroker"])
            #expect(approved.status == .approved)
            let statuses = Dictionary(uniqueKeysWithValues: approved.businessTypes.map { ($0.businessType, $0.status) })
            #expect(statuses == ["forwarder": .approved, "customsBroker": .approved, "roadTransport": .rejected])
            #expect(approved.businessTypes.allSatisfy { $0.decideTime != nil })

            let response = try await identity.loginResponse(registered.adminEmail, registered.adminPassword)
            let grant = try #require(response.grant)
            #expect(grant.tokenType == "Bearer")
            #expect(!grant.refreshToken.isEmpty)
            #expect(response.user?.role == .administrator)
            #expect(response.user?.state == .active)
            #expect(response.user?.lastLoginTime != nil)

            let caller = try await identity.caller(identity.options(grant.accessToken))
            #expect(caller.kind == "user")
            #expect(caller.subject == registered.administrator)
            #expect(caller.company == registered.name)
            #expect(caller.organization == registered.organization)
            #expect(caller.businessTypes == ["customsBroker", "forwarder"])
            #expect(caller.roles == ["administrator"])
            #expect(caller.email == registered.adminEmail)
            #expect(caller.managedPorts.isEmpty)
            #expect(caller.expireTime != nil)

            // The first organization received the approved types.
            let organization = try await identity.getOrganization(registered.organization, identity.options(grant.accessToken))
            #expect(organization.displayName == "東京本社")
            #expect(organization.businessTypes == ["customsBroker", "forwarder"])
            #expect(organization.enabled)

            // The operator is a platform operator.
            let operatorCaller = try await identity.caller(operatorOptions)
            #expect(operatorCaller.roles.contains("operator"))
            #expect(operatorCaller.roles.contains("administrator"))
            #expect(operatorCaller.kind == "user")
            #expect(operatorCaller.email == IdentityHarness.operatorEmail)
        }
    }

    @Test("a rejected company stays locked out; registering needs no token", arguments: TestBackend.available)
    func rejectCompany(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let registered = try await identity.registerCompany(businessTypes: ["shipperOrConsignee"])
            var reject = Cyberport_Identity_V1_RejectCompanyRequest()
            reject.name = registered.name
            reject.reason = "証明書類が確認できません"
            let rejected = try await identity.companies.rejectCompany(reject, options: try await identity.operatorOptions())
            #expect(rejected.status == .rejected)
            #expect(rejected.statusReason == "証明書類が確認できません")
            #expect(rejected.businessTypes.allSatisfy { $0.status == .rejected })
            await expectRPCError(.permissionDenied) {
                try await identity.login(registered.adminEmail, registered.adminPassword)
            }
            // Rejected is terminal: it cannot be approved any more.
            await expectRPCError(.failedPrecondition, reason: "INVALID_STATE") {
                try await identity.approve(registered)
            }
        }
    }

    @Test("the business-type catalogue is public", arguments: TestBackend.available)
    func businessTypeCatalogue(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let list = try await identity.businessTypes.listBusinessTypes(
                Cyberport_Identity_V1_ListBusinessTypesRequest(), options: identity.anonymous)
            #expect(list.businessTypes.count == 12)
            #expect(list.businessTypes.first?.key == "oceanShipping")
            #expect(list.businessTypes.last?.key == "vgmRegistration")
        }
    }
}
