import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Validation and duplicates", .timeLimit(.minutes(2)))
struct ValidationTests {
    /// One invalid registration: how to break a valid request, and the field (and reason) the error must name.
    struct RegistrationCase {
        var label: String
        var field: String
        var reason: String?
        var mutate: (inout Cyberport_Identity_V1_RegisterCompanyRequest) -> Void
    }

    static func applications(_ keys: [String]) -> [Cyberport_Identity_V1_BusinessTypeApplication] {
        keys.map { key in
            var application = Cyberport_Identity_V1_BusinessTypeApplication()
            application.businessType = key
            application.evidenceDocument = "evidence-\(key)"
            return application
        }
    }

    @Test("invalid registrations are INVALID_ARGUMENT naming the field", arguments: TestBackend.available)
    func invalidRegistrations(backend: TestBackend) async throws {
        let cases: [RegistrationCase] = [
            RegistrationCase(label: "wrong check digit", field: "company.corporate_number", reason: "CHECK_DIGIT") {
                $0.company!.corporateNumber = CorporateNumber.withWrongCheckDigit($0.company!.corporateNumber)
            },
            RegistrationCase(label: "12 digits", field: "company.corporate_number") {
                $0.company!.corporateNumber = String($0.company!.corporateNumber.dropLast())
            },
            RegistrationCase(label: "14 digits", field: "company.corporate_number") { $0.company!.corporateNumber += "0" },
            RegistrationCase(label: "letters in the number", field: "company.corporate_number") {
                $0.company!.corporateNumber = "1A80301018771"
            },
            RegistrationCase(label: "no corporate number", field: "company.corporate_number") {
                $0.company!.corporateNumber = ""
            },
            RegistrationCase(label: "bad e-mail", field: "administrator.email") { $0.administrator!.email = "not-an-address" },
            RegistrationCase(label: "e-mail without domain dot", field: "administrator.email") {
                $0.administrator!.email = "admin@localhost"
            },
            RegistrationCase(label: "short password", field: "administrator.password", reason: "WEAK_PASSWORD") {
                $0.administrator!.password = "Ab1!xyz"
            },
            RegistrationCase(label: "letters-only password", field: "administrator.password", reason: "WEAK_PASSWORD") {
                $0.administrator!.password = "OnlyLettersInThisPassword"
            },
            RegistrationCase(label: "password containing the e-mail local part", field: "administrator.password", reason: "WEAK_PASSWORD") {
                $0.administrator!.email = "harbourmaster@example.co.jp"
                $0.administrator!.password = "HarbourMaster-2024"
            },
            RegistrationCase(label: "no password", field: "administrator.password", reason: "REQUIRED_FIELD") {
                $0.administrator!.password = ""
            },
            RegistrationCase(label: "unknown business type", field: "company.business_types[0].business_type") {
                $0.company!.businessTypes = Self.applications(["spaceShipping"])
            },
            RegistrationCase(label: "duplicate business type", field: "company.business_types[1].business_type") {
                $0.company!.businessTypes = Self.applications(["forwarder", "forwarder"])
            },
            RegistrationCase(label: "no business type", field: "company.business_types", reason: "REQUIRED_FIELD") {
                $0.company!.businessTypes = []
            },
            RegistrationCase(label: "missing evidence", field: "company.business_types[1].evidence_document", reason: "REQUIRED_FIELD") {
                $0.company!.businessTypes = Self.applications(["forwarder", "customsBroker"])
                $0.company!.businessTypes[1].evidenceDocument = "  "
            },
            RegistrationCase(label: "vgmNotification without 届出番号", field: "company.vgm_notification_number", reason: "REQUIRED_FIELD") {
                $0.company!.businessTypes = Self.applications(["shipperOrConsignee", "vgmNotification"])
            },
            RegistrationCase(label: "vgmRegistration without 登録番号", field: "company.vgm_registration_number", reason: "REQUIRED_FIELD") {
                $0.company!.businessTypes = Self.applications(["vgmRegistration"])
            },
            RegistrationCase(label: "届出番号 without vgmNotification", field: "company.vgm_notification_number") {
                $0.company!.vgmNotificationNumber = "N-12345"
            },
            RegistrationCase(label: "empty Japanese legal name", field: "company.legal_name_ja", reason: "REQUIRED_FIELD") {
                $0.company!.legalNameJa = ""
            },
            RegistrationCase(label: "blank English legal name", field: "company.legal_name_en", reason: "REQUIRED_FIELD") {
                $0.company!.legalNameEn = "   "
            },
            RegistrationCase(label: "legal name too long", field: "company.legal_name_ja") {
                $0.company!.legalNameJa = String(repeating: "港", count: 201)
            },
            RegistrationCase(label: "missing contact e-mail", field: "company.contact.email", reason: "REQUIRED_FIELD") {
                $0.company!.contact!.email = ""
            },
            RegistrationCase(label: "no company at all", field: "company.legal_name_ja", reason: "REQUIRED_FIELD") {
                $0.company = nil
            },
        ]
        try await withIdentity(backend) { identity in
            for testCase in cases {
                var request = IdentityHarness.registration(businessTypes: ["forwarder"])
                testCase.mutate(&request)
                await expectRPCError(.invalidArgument, field: testCase.field, reason: testCase.reason, Comment(rawValue: testCase.label)) {
                    try await identity.companies.registerCompany(request, options: identity.anonymous)
                }
            }
            // None of them created anything.
            var list = Cyberport_Identity_V1_ListCompaniesRequest()
            list.status = .pending
            let pending = try await identity.companies.listCompanies(list, options: try await identity.operatorOptions())
            #expect(pending.companies.isEmpty)
        }
    }

    @Test("page sizes, resource names and other fields are validated", arguments: TestBackend.available)
    func requestValidation(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let operatorOptions = try await identity.operatorOptions()
            let unknownID = ResourceID.generate()

            // Negative page sizes.
            var listUsers = Cyberport_Identity_V1_ListUsersRequest()
            listUsers.parent = company.name
            listUsers.pageSize = -1
            await expectRPCError(.invalidArgument, field: "page_size") {
                try await identity.users.listUsers(listUsers, options: company.admin)
            }
            var listCompanies = Cyberport_Identity_V1_ListCompaniesRequest()
            listCompanies.pageSize = -5
            await expectRPCError(.invalidArgument, field: "page_size") {
                try await identity.companies.listCompanies(listCompanies, options: operatorOptions)
            }
            var search = Cyberport_Identity_V1_SearchOrganizationsRequest()
            search.pageSize = -1
            await expectRPCError(.invalidArgument, field: "page_size") {
                try await identity.organizations.searchOrganizations(search, options: company.admin)
            }
            var garbageToken = Cyberport_Identity_V1_ListUsersRequest()
            garbageToken.parent = company.name
            garbageToken.pageToken = "not-a-page-token!"
            await expectRPCError(.invalidArgument, field: "page_token") {
                try await identity.users.listUsers(garbageToken, options: company.admin)
            }

            // Malformed resource names.
            for name in ["", "companies/not-an-id", "companies/\(unknownID)/extra", "organizations/\(unknownID)", "companies/\(unknownID.uppercased())"] {
                var get = Cyberport_Identity_V1_GetCompanyRequest()
                get.name = name
                await expectRPCError(.invalidArgument, field: "name", Comment(rawValue: "GetCompany \"\(name)\"")) {
                    try await identity.companies.getCompany(get, options: company.admin)
                }
            }
            var getUser = Cyberport_Identity_V1_GetUserRequest()
            getUser.name = "\(company.name)/users/42"
            await expectRPCError(.invalidArgument, field: "name") {
                try await identity.users.getUser(getUser, options: company.admin)
            }
            var badParent = Cyberport_Identity_V1_ListUsersRequest()
            badParent.parent = "\(company.name)/organizations"
            await expectRPCError(.invalidArgument, field: "parent") {
                try await identity.users.listUsers(badParent, options: company.admin)
            }
            var listKeys = Cyberport_Identity_V1_ListApiKeysRequest()
            listKeys.parent = company.name
            await expectRPCError(.invalidArgument, field: "parent") {
                try await identity.apiKeys.listApiKeys(listKeys, options: company.admin)
            }
            var revoke = Cyberport_Identity_V1_RevokeApiKeyRequest()
            revoke.name = "\(company.organization)/apiKeys/abc"
            await expectRPCError(.invalidArgument, field: "name") {
                try await identity.apiKeys.revokeApiKey(revoke, options: company.admin)
            }
            var approve = Cyberport_Identity_V1_ApproveCompanyRequest()
            approve.name = "company-1"
            await expectRPCError(.invalidArgument, field: "name") {
                try await identity.companies.approveCompany(approve, options: operatorOptions)
            }
            var update = Cyberport_Identity_V1_UpdateOrganizationRequest()
            var organization = Cyberport_Identity_V1_Organization()
            organization.name = "\(company.name)/organization/\(unknownID)"
            update.organization = organization
            update.updateMask = fieldMask("display_name")
            await expectRPCError(.invalidArgument, field: "organization.name") {
                try await identity.organizations.updateOrganization(update, options: company.admin)
            }

            // Other fields.
            var createUser = Cyberport_Identity_V1_CreateUserRequest()
            createUser.parent = company.name
            var user = Cyberport_Identity_V1_User()
            user.email = "bad@@example.jp"
            user.displayName = "x"
            user.organization = company.organization
            createUser.user = user
            await expectRPCError(.invalidArgument, field: "user.email") {
                try await identity.users.createUser(createUser, options: company.admin)
            }
            createUser.user!.email = "operator.clerk@example.jp"
            createUser.password = "short1"
            await expectRPCError(.invalidArgument, field: "password", reason: "WEAK_PASSWORD") {
                try await identity.users.createUser(createUser, options: company.admin)
            }
            createUser.password = ""
            createUser.user!.organization = "companies/\(unknownID)/organizations/\(ResourceID.generate())"
            await expectRPCError(.invalidArgument, field: "user.organization") {
                try await identity.users.createUser(createUser, options: company.admin)
            }
            var webhook = Cyberport_Identity_V1_CreateWebhookTargetRequest()
            webhook.parent = company.name
            var target = Cyberport_Identity_V1_WebhookTarget()
            target.displayName = "基幹システム"
            target.url = "ftp://example.jp/hook"
            webhook.webhookTarget = target
            await expectRPCError(.invalidArgument, field: "webhook_target.url") {
                try await identity.webhooks.createWebhookTarget(webhook, options: company.admin)
            }
            var login = Cyberport_Identity_V1_LoginRequest()
            login.password = "whatever-123"
            await expectRPCError(.invalidArgument, field: "email", reason: "REQUIRED_FIELD") {
                try await identity.auth.login(login, options: identity.anonymous)
            }
        }
    }

    @Test("duplicates are ALREADY_EXISTS naming the field", arguments: TestBackend.available)
    func duplicates(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let first = try await identity.register(IdentityHarness.registration(
                businessTypes: ["shipperOrConsignee", "vgmNotification"], vgmNotificationNumber: "TKY-VGM-0001"))

            // Same corporate number.
            await expectRPCError(.alreadyExists, field: "company.corporate_number", reason: "ALREADY_EXISTS") {
                try await identity.companies.registerCompany(
                    IdentityHarness.registration(businessTypes: ["forwarder"], corporateNumber: first.corporateNumber),
                    options: identity.anonymous)
            }
            // Same administrator e-mail, in another case.
            await expectRPCError(.alreadyExists, field: "administrator.email", reason: "ALREADY_EXISTS") {
                try await identity.companies.registerCompany(
                    IdentityHarness.registration(businessTypes: ["forwarder"], adminEmail: first.adminEmail.uppercased()),
                    options: identity.anonymous)
            }
            // Same VGM number.
            await expectRPCError(.alreadyExists, field: "vgm_notification_number", reason: "ALREADY_EXISTS") {
                try await identity.companies.registerCompany(
                    IdentityHarness.registration(
                        businessTypes: ["vgmNotification"], vgmNotificationNumber: "TKY-VGM-0001"),
                    options: identity.anonymous)
            }
            // … also when the other company holds it as 登録番号.
            await expectRPCError(.alreadyExists, reason: "ALREADY_EXISTS") {
                try await identity.companies.registerCompany(
                    IdentityHarness.registration(
                        businessTypes: ["vgmRegistration"], vgmRegistrationNumber: "TKY-VGM-0001"),
                    options: identity.anonymous)
            }

            // A user whose e-mail exists (in any case, in any company).
            try await identity.approve(first)
            let token = try await identity.login(first.adminEmail, first.adminPassword)
            let company = ActiveCompany(registered: first, adminToken: token, admin: identity.options(token))
            let admin = company.admin
            let other = try await identity.activeCompany()
            for email in [first.adminEmail.uppercased(), other.registered.adminEmail, IdentityHarness.operatorEmail] {
                await expectRPCError(.alreadyExists, field: "user.email", reason: "ALREADY_EXISTS", Comment(rawValue: email)) {
                    try await identity.createUser(in: company, email: email, as: admin)
                }
            }
            #expect(try await identity.allUsers(of: first.name, admin).count == 1)
        }
    }
}
