import Logging
import PortRPC
import PortServiceKit
import PortStore

/// Creates the platform company, its operations organization and the first operator account when the configured
/// operator e-mail is not registered yet. Idempotent; never changes an existing account (not even its password).
struct OperatorBootstrap {
    let context: IdentityContext

    func ensure(_ account: OperatorAccount) async throws {
        let email = try Validate.email(account.email, field: "operator e-mail")
        try Validate.password(account.password, field: "operator password", email: email)
        let exists = try await context.read { try UserQueries(session: $0).emailExists(email) }
        if exists { return }
        let hash = try await context.passwords.hash(account.password)
        let now = WallClock.nowMicros()
        let created = try await context.write { session -> Bool in
            let users = UserQueries(session: session)
            if try users.emailExists(email) { return false }
            let existing = try session.queryOne("SELECT id FROM companies WHERE kind = 'platform'", [])
            let companyID: String
            let organizationID: String
            if let existing {
                companyID = try existing.string("id")
                guard let organization = try OrganizationQueries(session: session).list(
                    company: companyID, includeDisabled: true, after: nil, limit: 1).first
                else { throw ServiceStartupError("the platform company has no organization") }
                organizationID = organization.id
            } else {
                var company = CompanyRecord(id: ResourceID.generate(now: now), kind: "platform", status: "approved", now: now)
                company.legalNameJa = "Cyber Port Open 運営"
                company.legalNameEn = "Cyber Port Open platform operator"
                company.addressLine = "-"
                company.contactName = account.displayName
                company.contactEmail = email
                try CompanyQueries(session: session).insert(company)
                let organization = OrganizationRecord(
                    id: ResourceID.generate(now: now), companyID: company.id, displayName: "Platform operations", now: now)
                try OrganizationQueries(session: session).insert(organization)
                companyID = company.id
                organizationID = organization.id
            }
            try users.insert(UserRecord(
                id: ResourceID.generate(now: now), companyID: companyID, organizationID: organizationID, email: email,
                displayName: account.displayName, role: "administrator", state: "active", passwordHash: hash, now: now))
            return true
        }
        if created { context.logger.notice("platform operator account created", metadata: ["email": "\(email)"]) }
    }
}
