import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Organization search and VGM lookup", .timeLimit(.minutes(2)))
struct SearchTests {
    static func makeSearchable(_ identity: IdentityHarness, _ organization: String, _ options: CallOptions) async throws {
        var request = Cyberport_Identity_V1_UpdateOrganizationRequest()
        var changed = Cyberport_Identity_V1_Organization()
        changed.name = organization
        changed.searchable = true
        request.organization = changed
        request.updateMask = fieldMask("searchable")
        _ = try await identity.organizations.updateOrganization(request, options: options)
    }

    static func search(
        _ identity: IdentityHarness, _ options: CallOptions, query: String = "", businessType: String = ""
    ) async throws -> [Cyberport_Identity_V1_OrganizationSummary] {
        var request = Cyberport_Identity_V1_SearchOrganizationsRequest()
        request.query = query
        request.businessType = businessType
        return try await identity.organizations.searchOrganizations(request, options: options).organizations
    }

    @Test("search finds enabled, searchable organizations of approved companies only", arguments: TestBackend.available)
    func search(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let operatorOptions = try await identity.operatorOptions()
            let tokyo = try await identity.activeCompany(
                businessTypes: ["forwarder", "customsBroker"], legalNameJa: "東京海運株式会社", legalNameEn: "Tokyo Kaiun Co., Ltd.")
            try await Self.makeSearchable(identity, tokyo.organization, tokyo.admin)

            // Pending (made searchable by the operator): hidden.
            let pending = try await identity.registerCompany(
                businessTypes: ["forwarder"], legalNameJa: "東京海運ロジスティクス株式会社", legalNameEn: "Tokyo Kaiun Logistics")
            try await Self.makeSearchable(identity, pending.organization, operatorOptions)
            // Approved but not searchable: hidden.
            _ = try await identity.activeCompany(legalNameJa: "大阪海運株式会社", legalNameEn: "Osaka Kaiun")
            // Searchable but disabled: hidden.
            let kobe = try await identity.activeCompany(legalNameJa: "神戸海運株式会社", legalNameEn: "Kobe Kaiun")
            let export = try await identity.createOrganization(
                in: kobe, displayName: "輸出課", businessTypes: ["customsBroker"], searchable: true)
            var disable = Cyberport_Identity_V1_DisableOrganizationRequest()
            disable.name = export.name
            _ = try await identity.organizations.disableOrganization(disable, options: kobe.admin)
            // Another searchable one, without 海運 in its names.
            let yokohama = try await identity.activeCompany(
                businessTypes: ["customsBroker"], legalNameJa: "横浜通関株式会社", legalNameEn: "Yokohama Customs Brokers")
            let yokohamaDesk = try await identity.createOrganization(
                in: yokohama, displayName: "本牧通関センター", businessTypes: ["customsBroker"], searchable: true)

            let caller = yokohama.admin
            let kaiun = try await Self.search(identity, caller, query: "海運")
            #expect(kaiun.map(\.name) == [tokyo.organization])
            let summary = try #require(kaiun.first)
            #expect(summary.company == tokyo.name)
            #expect(summary.companyLegalNameJa == "東京海運株式会社")
            #expect(summary.companyLegalNameEn == "Tokyo Kaiun Co., Ltd.")
            #expect(summary.displayName == "本社")
            #expect(summary.businessTypes == ["customsBroker", "forwarder"])

            #expect(try await Self.search(identity, caller, query: "tokyo KAIUN").map(\.name) == [tokyo.organization])
            #expect(try await Self.search(identity, caller, query: "本牧").map(\.name) == [yokohamaDesk.name])
            #expect(try await Self.search(identity, caller, query: "輸出課").isEmpty)
            #expect(try await Self.search(identity, caller, query: "Osaka").isEmpty)
            // LIKE wildcards in a query match only themselves.
            #expect(try await Self.search(identity, caller, query: "%").isEmpty)
            #expect(try await Self.search(identity, caller, query: "_").isEmpty)
            let literal = try await identity.createOrganization(in: yokohama, displayName: "Desk 100%_B", searchable: true)
            #expect(try await Self.search(identity, caller, query: "%").map(\.name) == [literal.name])
            #expect(try await Self.search(identity, caller, query: "0%_b").map(\.name) == [literal.name])
            #expect(try await Self.search(identity, caller, query: "_").map(\.name) == [literal.name])
            #expect(try await Self.search(identity, caller, query: "desk 1__").isEmpty)

            let brokers = try await Self.search(identity, caller, businessType: "customsBroker")
            #expect(Set(brokers.map(\.name)) == [tokyo.organization, yokohamaDesk.name])
            #expect(try await Self.search(identity, caller, query: "横浜", businessType: "customsBroker").map(\.name) == [yokohamaDesk.name])
            #expect(try await Self.search(identity, caller, businessType: "oceanShipping").isEmpty)
            #expect(try await Self.search(identity, caller, query: "海運", businessType: "forwarder").map(\.name) == [tokyo.organization])
            await expectRPCError(.invalidArgument, field: "business_type") {
                try await Self.search(identity, caller, businessType: "pirates")
            }

            // Suspending a company hides its organizations.
            var suspend = Cyberport_Identity_V1_SuspendCompanyRequest()
            suspend.name = tokyo.name
            suspend.reason = "調査中"
            _ = try await identity.companies.suspendCompany(suspend, options: operatorOptions)
            #expect(try await Self.search(identity, caller, businessType: "customsBroker").map(\.name) == [yokohamaDesk.name])

            await expectRPCError(.unauthenticated) {
                try await Self.search(identity, identity.anonymous, query: "海運")
            }
        }
    }

    @Test("LookupCompanyByVgmNumber finds approved companies only", arguments: TestBackend.available)
    func vgmLookup(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let shipper = try await identity.activeCompany(
                businessTypes: ["shipperOrConsignee", "vgmNotification"], legalNameJa: "関東精密機械株式会社",
                legalNameEn: "Kanto Precision Machinery", vgmNotificationNumber: "KNT-2024-0042")
            let pending = try await identity.register(IdentityHarness.registration(
                businessTypes: ["vgmRegistration"], vgmRegistrationNumber: "REG-0077"))
            let caller = try await identity.activeCompany(businessTypes: ["forwarder"])

            var lookup = Cyberport_Identity_V1_LookupCompanyByVgmNumberRequest()
            lookup.vgmNumber = "KNT-2024-0042"
            let profile = try await identity.companies.lookupCompanyByVgmNumber(lookup, options: caller.admin)
            #expect(profile.name == shipper.name)
            #expect(profile.legalNameJa == "関東精密機械株式会社")
            #expect(profile.legalNameEn == "Kanto Precision Machinery")
            #expect(profile.corporateNumber == shipper.registered.corporateNumber)
            #expect(profile.vgmNotificationNumber == "KNT-2024-0042")
            #expect(profile.vgmRegistrationNumber.isEmpty)
            #expect(profile.address?.addressLine == "東京都千代田区霞が関1-1-1")

            lookup.vgmNumber = "REG-0077"
            await expectRPCError(.notFound, reason: "NOT_FOUND") {
                try await identity.companies.lookupCompanyByVgmNumber(lookup, options: caller.admin)
            }
            // Once approved, it is found by its 登録番号.
            try await identity.approve(pending)
            #expect(try await identity.companies.lookupCompanyByVgmNumber(lookup, options: caller.admin).name == pending.name)

            lookup.vgmNumber = "NOPE-0000"
            await expectRPCError(.notFound, reason: "NOT_FOUND") {
                try await identity.companies.lookupCompanyByVgmNumber(lookup, options: caller.admin)
            }
            lookup.vgmNumber = "届出 番号"
            await expectRPCError(.invalidArgument, field: "vgm_number") {
                try await identity.companies.lookupCompanyByVgmNumber(lookup, options: caller.admin)
            }
        }
    }
}
