import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Organizations", .timeLimit(.minutes(2)))
struct OrganizationTests {
    static func publicBodyRequest(
        email: String = uniqueEmail("port-authority"), ports: [String] = ["JPTYO", "jpykh"]
    ) -> Cyberport_Identity_V1_RegisterPublicBodyRequest {
        var company = Cyberport_Identity_V1_Company()
        company.legalNameJa = "東京都"
        company.legalNameEn = "Tokyo Metropolitan Government"
        var address = Cyberport_Identity_V1_Address()
        address.addressLine = "東京都新宿区西新宿2-8-1"
        company.address = address
        var contact = Cyberport_Identity_V1_Contact()
        contact.personName = "港湾局 担当"
        contact.email = "port@metro.tokyo.example.jp"
        company.contact = contact
        var administrator = Cyberport_Identity_V1_AdministratorAccount()
        administrator.email = email
        administrator.displayName = "港湾局 管理者"
        administrator.password = IdentityHarness.adminPassword
        var request = Cyberport_Identity_V1_RegisterPublicBodyRequest()
        request.company = company
        request.administrator = administrator
        request.organizationDisplayName = "東京都港湾局"
        request.managedPorts = ports
        return request
    }

    @Test("organizations get only business types their company holds", arguments: TestBackend.available)
    func businessTypesHeld(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let registered = try await identity.registerCompany(businessTypes: ["forwarder", "customsBroker", "warehouseOperator"])
            try await identity.approve(registered, only: ["forwarder", "customsBroker"])
            let token = try await identity.login(registered.adminEmail, registered.adminPassword)
            let company = ActiveCompany(registered: registered, adminToken: token, admin: identity.options(token))

            // Never applied for, and applied for but rejected.
            for (types, index) in [(["oceanShipping"], 0), (["forwarder", "warehouseOperator"], 1)] {
                await expectRPCError(
                    .invalidArgument, field: "organization.business_types[\(index)]", reason: "BUSINESS_TYPE_NOT_HELD",
                    Comment(rawValue: "\(types)")
                ) {
                    try await identity.createOrganization(in: company, displayName: "通関部", businessTypes: types)
                }
            }
            await expectRPCError(.invalidArgument, field: "organization.business_types[0]") {
                try await identity.createOrganization(in: company, displayName: "通関部", businessTypes: ["notAType"])
            }
            let created = try await identity.createOrganization(
                in: company, displayName: "通関部", businessTypes: ["forwarder", "customsBroker", "forwarder"])
            #expect(created.businessTypes == ["customsBroker", "forwarder"])
            #expect(created.enabled)
            #expect(!created.searchable)
            #expect(!created.etag.isEmpty)

            // Updating to a type not held is refused the same way.
            var update = Cyberport_Identity_V1_UpdateOrganizationRequest()
            var changed = created
            changed.businessTypes = ["warehouseOperator"]
            update.organization = changed
            update.updateMask = fieldMask("business_types")
            await expectRPCError(.invalidArgument, field: "organization.business_types[0]", reason: "BUSINESS_TYPE_NOT_HELD") {
                try await identity.organizations.updateOrganization(update, options: company.admin)
            }

            // A user of the new organization gets exactly its types.
            let member = try await identity.createUser(in: company, organization: created.name)
            #expect(member.user.businessTypes == ["customsBroker", "forwarder"])
        }
    }

    @Test("UpdateOrganization needs a mask and a current etag", arguments: TestBackend.available)
    func updates(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            let organization = try await identity.getOrganization(company.organization, company.admin)

            var noMask = Cyberport_Identity_V1_UpdateOrganizationRequest()
            var renamed = organization
            renamed.displayName = "本社 営業部"
            noMask.organization = renamed
            await expectRPCError(.invalidArgument, field: "update_mask", reason: "REQUIRED_FIELD") {
                try await identity.organizations.updateOrganization(noMask, options: company.admin)
            }
            var badMask = noMask
            badMask.updateMask = fieldMask("enabled")
            await expectRPCError(.invalidArgument, field: "update_mask") {
                try await identity.organizations.updateOrganization(badMask, options: company.admin)
            }

            var update = noMask
            update.updateMask = fieldMask("display_name", "searchable")
            renamed.searchable = true
            update.organization = renamed
            let updated = try await identity.organizations.updateOrganization(update, options: company.admin)
            #expect(updated.displayName == "本社 営業部")
            #expect(updated.searchable)
            #expect(updated.etag != organization.etag)
            #expect(updated.businessTypes == organization.businessTypes)

            // The same (now stale) etag again.
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await identity.organizations.updateOrganization(update, options: company.admin)
            }
            // Without an etag the update applies unconditionally.
            renamed.etag = ""
            renamed.displayName = "本社"
            update.organization = renamed
            #expect(try await identity.organizations.updateOrganization(update, options: company.admin).displayName == "本社")

            // Ports belong to public bodies only.
            var ports = update
            var withPorts = updated
            withPorts.etag = ""
            withPorts.managedPorts = ["JPTYO"]
            ports.organization = withPorts
            ports.updateMask = fieldMask("managed_ports")
            await expectRPCError(.invalidArgument, field: "organization.managed_ports") {
                try await identity.organizations.updateOrganization(ports, options: company.admin)
            }
            var create = Cyberport_Identity_V1_CreateOrganizationRequest()
            create.parent = company.name
            var newOrganization = Cyberport_Identity_V1_Organization()
            newOrganization.displayName = "横浜営業所"
            newOrganization.managedPorts = ["JPYOK"]
            create.organization = newOrganization
            await expectRPCError(.invalidArgument, field: "organization.managed_ports") {
                try await identity.organizations.createOrganization(create, options: company.admin)
            }
        }
    }

    @Test("the operator registers an approved public body whose tokens carry its ports", arguments: TestBackend.available)
    func publicBody(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let operatorOptions = try await identity.operatorOptions()
            let request = Self.publicBodyRequest()
            let response = try await identity.companies.registerPublicBody(request, options: operatorOptions)
            let company = try #require(response.company)
            #expect(company.kind == .publicBody)
            #expect(company.status == .approved)
            #expect(company.corporateNumber.isEmpty)

            let token = try await identity.login(request.administrator!.email, request.administrator!.password)
            let options = identity.options(token)
            let caller = try await identity.caller(options)
            #expect(caller.company == company.name)
            #expect(caller.organization == response.organization)
            #expect(caller.managedPorts == ["JPTYO", "JPYKH"])
            #expect(caller.roles == ["administrator"])
            let organization = try await identity.getOrganization(response.organization, options)
            #expect(organization.displayName == "東京都港湾局")
            #expect(organization.managedPorts == ["JPTYO", "JPYKH"])

            // Its administrators may create more port-bound organizations.
            var create = Cyberport_Identity_V1_CreateOrganizationRequest()
            create.parent = company.name
            var newOrganization = Cyberport_Identity_V1_Organization()
            newOrganization.displayName = "東京港管理事務所"
            newOrganization.managedPorts = ["JPTYO"]
            create.organization = newOrganization
            #expect(try await identity.organizations.createOrganization(create, options: options).managedPorts == ["JPTYO"])

            // Invalid ports and a missing port list.
            await expectRPCError(.invalidArgument, field: "managed_ports[0]") {
                try await identity.companies.registerPublicBody(Self.publicBodyRequest(ports: ["TOKYO1"]), options: operatorOptions)
            }
            await expectRPCError(.invalidArgument, field: "managed_ports", reason: "REQUIRED_FIELD") {
                try await identity.companies.registerPublicBody(Self.publicBodyRequest(ports: []), options: operatorOptions)
            }
            await expectRPCError(.alreadyExists, field: "administrator.email") {
                try await identity.companies.registerPublicBody(
                    Self.publicBodyRequest(email: request.administrator!.email), options: operatorOptions)
            }
        }
    }
}
