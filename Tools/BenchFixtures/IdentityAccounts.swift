import BenchKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC

/// A user with a password.
public struct BenchUser: Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}

/// An approved company with its administrator logged in.
public struct BenchCompany: Sendable {
    /// "companies/{id}".
    public var name: String
    /// Its first organization, "companies/{c}/organizations/{o}".
    public var organization: String
    public var corporateNumber: String
    public var businessTypes: [String]
    public var administrator: BenchUser
    /// Call options of the logged-in administrator.
    public var admin: CallOptions
}

/// An API key: its plaintext (shown once at creation) and its resource name.
public struct BenchApiKey: Sendable {
    public var key: String
    public var name: String
}

extension IdentityFixture {
    /// Registers a company applying for `businessTypes`, approves it as the operator (`operatorOptions`) and logs its
    /// administrator in. E-mail addresses are made in `emailDomain` ("admin@<domain>"), which must be unique per run.
    public func activeCompany(
        legalNameJa: String, legalNameEn: String, businessTypes: [String], emailDomain: String,
        operatorOptions: CallOptions
    ) async throws -> BenchCompany {
        let corporateNumber = CorporateNumber.generate()
        let administrator = BenchUser(email: "admin@\(emailDomain)", password: "Harbour#Gate-Bench-01")

        var company = Cyberport_Identity_V1_Company()
        company.legalNameJa = legalNameJa
        company.legalNameEn = legalNameEn
        company.corporateNumber = corporateNumber
        var address = Cyberport_Identity_V1_Address()
        address.postalCode = "100-0013"
        address.addressLine = "東京都千代田区霞が関1-1-1"
        address.countryCode = "JP"
        company.address = address
        var contact = Cyberport_Identity_V1_Contact()
        contact.personName = "山田 太郎"
        contact.email = "contact@\(emailDomain)"
        contact.phone = "+81 3-1234-5678"
        company.contact = contact
        company.businessTypes = businessTypes.map { key in
            var application = Cyberport_Identity_V1_BusinessTypeApplication()
            application.businessType = key
            application.evidenceDocument = "permit-\(key)-001"
            return application
        }
        var admin = Cyberport_Identity_V1_AdministratorAccount()
        admin.email = administrator.email
        admin.displayName = "管理者 花子"
        admin.password = administrator.password
        var registration = Cyberport_Identity_V1_RegisterCompanyRequest()
        registration.company = company
        registration.administrator = admin
        let registered = try await companies.registerCompany(registration, options: anonymous)
        guard let companyName = registered.company?.name, !registered.organization.isEmpty else {
            throw BenchError("RegisterCompany returned no company or organization")
        }

        var approval = Cyberport_Identity_V1_ApproveCompanyRequest()
        approval.name = companyName
        let approved = try await companies.approveCompany(approval, options: operatorOptions)
        guard approved.status == .approved else { throw BenchError("ApproveCompany left \(companyName) \(approved.status)") }

        let adminOptions = Self.bearer(try await login(administrator.email, administrator.password))
        return BenchCompany(
            name: companyName, organization: registered.organization, corporateNumber: corporateNumber,
            businessTypes: businessTypes, administrator: administrator, admin: adminOptions)
    }

    /// Creates `count` active users with passwords in the company's first organization, `concurrency` at a time.
    public func createUsers(count: Int, in company: BenchCompany, emailDomain: String, concurrency: Int) async throws -> [BenchUser] {
        try await forEachConcurrently(count, concurrency: concurrency) { [self] index in
            let user = BenchUser(
                email: String(format: "user-%04d@", index) + emailDomain,
                password: String(format: "Container-Yard-%04d!", index))
            var request = Cyberport_Identity_V1_CreateUserRequest()
            request.parent = company.name
            var proto = Cyberport_Identity_V1_User()
            proto.email = user.email
            proto.displayName = "利用者 \(index)"
            proto.organization = company.organization
            proto.role = .user
            request.user = proto
            request.password = user.password
            let response = try await self.users.createUser(request, options: company.admin)
            guard response.user?.state == .active else { throw BenchError("CreateUser did not make \(user.email) active") }
            return user
        }
    }

    /// Creates an API key of `organization` as `options` (an administrator; the operator for a service credential,
    /// which names `serviceName`).
    public func createApiKey(
        organization: String, displayName: String, serviceName: String = "", as options: CallOptions
    ) async throws -> BenchApiKey {
        var request = Cyberport_Identity_V1_CreateApiKeyRequest()
        request.parent = organization
        var key = Cyberport_Identity_V1_ApiKey()
        key.displayName = displayName
        key.serviceName = serviceName
        request.apiKey = key
        let created = try await apiKeys.createApiKey(request, options: options)
        guard !created.key.isEmpty, let name = created.apiKey?.name else { throw BenchError("CreateApiKey returned no key") }
        return BenchApiKey(key: created.key, name: name)
    }

    /// Exchanges `apiKey` for `count` distinct access tokens, `concurrency` calls at a time.
    public func accessTokens(for apiKey: BenchApiKey, count: Int, concurrency: Int) async throws -> [String] {
        let plaintext = apiKey.key
        let tokens = try await forEachConcurrently(count, concurrency: concurrency) { [self] _ in
            var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
            request.apiKey = plaintext
            let grant = try await self.auth.exchangeApiKey(request, options: self.anonymous)
            guard !grant.accessToken.isEmpty else { throw BenchError("ExchangeApiKey returned no access token") }
            return grant.accessToken
        }
        guard Set(tokens).count == tokens.count else {
            throw BenchError("ExchangeApiKey minted \(tokens.count - Set(tokens).count) duplicate tokens")
        }
        return tokens
    }
}
