import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Company administration", .timeLimit(.minutes(2)))
struct CompanyTests {
    static func apply(_ company: String, _ keys: [String], vgmNotificationNumber: String = "") -> Cyberport_Identity_V1_ApplyForBusinessTypesRequest {
        var request = Cyberport_Identity_V1_ApplyForBusinessTypesRequest()
        request.name = company
        request.businessTypes = ValidationTests.applications(keys)
        request.vgmNotificationNumber = vgmNotificationNumber
        return request
    }

    @Test("an approved company applies for more business types; approval extends its first organization", arguments: TestBackend.available)
    func applyForBusinessTypes(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany(businessTypes: ["forwarder"])
            let applied = try await identity.companies.applyForBusinessTypes(
                Self.apply(company.name, ["warehouseOperator", "vgmNotification"], vgmNotificationNumber: "YKH-N-0815"),
                options: company.admin)
            let statuses = Dictionary(uniqueKeysWithValues: applied.businessTypes.map { ($0.businessType, $0.status) })
            #expect(statuses == ["forwarder": .approved, "warehouseOperator": .pending, "vgmNotification": .pending])
            #expect(applied.vgmNotificationNumber == "YKH-N-0815")

            // Held or pending types cannot be applied for again; VGM types need their number; users cannot apply.
            await expectRPCError(.alreadyExists, field: "business_types[0].business_type") {
                try await identity.companies.applyForBusinessTypes(Self.apply(company.name, ["forwarder"]), options: company.admin)
            }
            await expectRPCError(.alreadyExists, field: "business_types[0].business_type") {
                try await identity.companies.applyForBusinessTypes(Self.apply(company.name, ["warehouseOperator"]), options: company.admin)
            }
            await expectRPCError(.invalidArgument, field: "vgm_registration_number", reason: "REQUIRED_FIELD") {
                try await identity.companies.applyForBusinessTypes(Self.apply(company.name, ["vgmRegistration"]), options: company.admin)
            }
            let member = try await identity.createUser(in: company)
            let memberOptions = identity.options(try await identity.login(member.email, member.password))
            await expectRPCError(.permissionDenied) {
                try await identity.companies.applyForBusinessTypes(Self.apply(company.name, ["nvocc"]), options: memberOptions)
            }

            // Pending types are not in tokens yet.
            #expect(try await identity.caller(company.admin).businessTypes == ["forwarder"])

            // The operator approves one (stale etags are refused); the other is rejected.
            let operatorOptions = try await identity.operatorOptions()
            var approve = Cyberport_Identity_V1_ApproveCompanyRequest()
            approve.name = company.name
            approve.businessTypes = ["warehouseOperator"]
            approve.etag = company.registered.company.etag
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await identity.companies.approveCompany(approve, options: operatorOptions)
            }
            approve.etag = applied.etag
            approve.businessTypes = ["nvocc"]
            await expectRPCError(.invalidArgument, field: "business_types[0]") {
                try await identity.companies.approveCompany(approve, options: operatorOptions)
            }
            approve.businessTypes = ["warehouseOperator"]
            let approved = try await identity.companies.approveCompany(approve, options: operatorOptions)
            let decided = Dictionary(uniqueKeysWithValues: approved.businessTypes.map { ($0.businessType, $0.status) })
            #expect(decided == ["forwarder": .approved, "warehouseOperator": .approved, "vgmNotification": .rejected])
            // Nothing is pending any more.
            approve.etag = ""
            approve.businessTypes = []
            await expectRPCError(.failedPrecondition, reason: "NOTHING_TO_APPROVE") {
                try await identity.companies.approveCompany(approve, options: operatorOptions)
            }

            let organization = try await identity.getOrganization(company.organization, company.admin)
            #expect(organization.businessTypes == ["warehouseOperator", "forwarder"])
            let token = try await identity.login(company.registered.adminEmail, company.registered.adminPassword)
            #expect(try await identity.caller(identity.options(token)).businessTypes == ["warehouseOperator", "forwarder"])
            // A rejected type may be applied for again.
            let reapplied = try await identity.companies.applyForBusinessTypes(
                Self.apply(company.name, ["vgmNotification"]), options: identity.options(token))
            #expect(reapplied.businessTypes.first { $0.businessType == "vgmNotification" }?.status == .pending)
        }
    }

    @Test("administrators update their company with a mask and etag", arguments: TestBackend.available)
    func updateCompany(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let company = try await identity.activeCompany()
            var get = Cyberport_Identity_V1_GetCompanyRequest()
            get.name = company.name
            let current = try await identity.companies.getCompany(get, options: company.admin)

            var update = Cyberport_Identity_V1_UpdateCompanyRequest()
            var changed = current
            changed.legalNameEn = "Nippon Port Logistics Holdings"
            changed.contact?.phone = "03-9999-0000"
            changed.corporateNumber = "1180301018771"  // not updatable: ignored
            changed.status = .suspended  // output only: ignored
            update.company = changed
            await expectRPCError(.invalidArgument, field: "update_mask", reason: "REQUIRED_FIELD") {
                try await identity.companies.updateCompany(update, options: company.admin)
            }
            update.updateMask = fieldMask("corporate_number")
            await expectRPCError(.invalidArgument, field: "update_mask") {
                try await identity.companies.updateCompany(update, options: company.admin)
            }
            update.updateMask = fieldMask("legal_name_en", "contact")
            let updated = try await identity.companies.updateCompany(update, options: company.admin)
            #expect(updated.legalNameEn == "Nippon Port Logistics Holdings")
            #expect(updated.contact?.phone == "03-9999-0000")
            #expect(updated.legalNameJa == current.legalNameJa)
            #expect(updated.corporateNumber == current.corporateNumber)
            #expect(updated.status == .approved)
            #expect(updated.etag != current.etag)

            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await identity.companies.updateCompany(update, options: company.admin)
            }
            // A VGM number needs the matching business type.
            var vgm = Cyberport_Identity_V1_UpdateCompanyRequest()
            var withNumber = updated
            withNumber.etag = ""
            withNumber.vgmNotificationNumber = "N-777"
            vgm.company = withNumber
            vgm.updateMask = fieldMask("vgm_notification_number")
            await expectRPCError(.invalidArgument, field: "company.vgm_notification_number") {
                try await identity.companies.updateCompany(vgm, options: company.admin)
            }
            // Invalid values name their field.
            var invalid = vgm
            withNumber.contact?.email = "nope"
            invalid.company = withNumber
            invalid.updateMask = fieldMask("contact")
            await expectRPCError(.invalidArgument, field: "company.contact.email") {
                try await identity.companies.updateCompany(invalid, options: company.admin)
            }
            // Plain users cannot update.
            let member = try await identity.createUser(in: company)
            let memberOptions = identity.options(try await identity.login(member.email, member.password))
            update.company?.etag = ""
            await expectRPCError(.permissionDenied) {
                try await identity.companies.updateCompany(update, options: memberOptions)
            }
        }
    }
}
