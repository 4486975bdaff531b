import Foundation
import IdentityKit
import Logging
import PortAPI
import PortCrypto
import PortProtocol
import PortRPC
import PortStore
import Testing

/// One Identity service for one test: a fresh database, `IdentityServer` with a bootstrap operator, a real RPC server
/// on a free loopback port and a real client with the generated service clients.
public final class IdentityHarness: Sendable {
    public static let operatorEmail = "operator@cyberport-open.test"
    public static let operatorPassword = "Op3rator-Console-Pass"
    /// The password every administrator registered by ``registerCompany`` gets.
    public static let adminPassword = "Harbour#Gate-2024"

    public let database: TestDatabase
    public let store: Database
    public let identity: IdentityServer
    public let server: RPCServer
    public let client: RPCClient
    public let port: Int

    public let companies: Cyberport_Identity_V1_CompanyServiceClient
    public let organizations: Cyberport_Identity_V1_OrganizationServiceClient
    public let users: Cyberport_Identity_V1_UserServiceClient
    public let auth: Cyberport_Identity_V1_AuthServiceClient
    public let apiKeys: Cyberport_Identity_V1_ApiKeyServiceClient
    public let webhooks: Cyberport_Identity_V1_WebhookTargetServiceClient
    public let businessTypes: Cyberport_Identity_V1_IdentityServiceClient

    /// The configuration tests start from: the cheapest password hashing and a bootstrap operator.
    public static var testConfiguration: IdentityConfiguration {
        var configuration = IdentityConfiguration()
        configuration.passwordHashing = .minimumForTests
        configuration.passwordHashThreads = 1
        configuration.bootstrapOperator = OperatorAccount(email: operatorEmail, password: operatorPassword)
        return configuration
    }

    private init(database: TestDatabase, store: Database, identity: IdentityServer, server: RPCServer, client: RPCClient, port: Int) {
        self.database = database
        self.store = store
        self.identity = identity
        self.server = server
        self.client = client
        self.port = port
        companies = Cyberport_Identity_V1_CompanyServiceClient(client)
        organizations = Cyberport_Identity_V1_OrganizationServiceClient(client)
        users = Cyberport_Identity_V1_UserServiceClient(client)
        auth = Cyberport_Identity_V1_AuthServiceClient(client)
        apiKeys = Cyberport_Identity_V1_ApiKeyServiceClient(client)
        webhooks = Cyberport_Identity_V1_WebhookTargetServiceClient(client)
        businessTypes = Cyberport_Identity_V1_IdentityServiceClient(client)
    }

    /// Opens `database` and starts the service on it.
    public static func start(
        on database: TestDatabase, configuration: IdentityConfiguration = testConfiguration,
        logger: Logger = TestLog.quiet
    ) async throws -> IdentityHarness {
        let store = try await database.open(migrations: IdentityServer.migrations, logger: logger)
        let identity: IdentityServer
        do {
            identity = try await IdentityServer.start(database: store, configuration: configuration, logger: logger)
        } catch {
            await store.close()
            throw error
        }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = 1
        let server = RPCServer(services: identity.services, configuration: serverConfiguration, logger: logger)
        do {
            try await server.start()
            guard let port = server.localPort else { throw TestSetupError("the server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            // Connect once before the test runs: concurrent first calls on a fresh RPCClient race in
            // Subchannel.connect (a promise is leaked, which traps in debug builds).
            do {
                _ = try await Cyberport_Identity_V1_AuthServiceClient(client).getSigningKeys(
                    Cyberport_Identity_V1_GetSigningKeysRequest(), options: CallOptions(timeout: .seconds(10)))
            } catch {
                await client.close()
                throw error
            }
            return IdentityHarness(database: database, store: store, identity: identity, server: server, client: client, port: port)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            await identity.shutdown()
            await store.close()
            throw error
        }
    }

    /// Stops the client, the server and the service and closes the database (the data stays).
    public func stop() async {
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        await identity.shutdown()
        await store.close()
    }
}

/// Runs `body` with a fresh Identity service on `backend`, then stops it and drops its database (named after
/// `prefix`, see ``TestDatabase``).
public func withIdentity(
    _ backend: TestBackend,
    prefix: String = "identity",
    configure: (inout IdentityConfiguration) -> Void = { _ in },
    logger: Logger = TestLog.quiet,
    _ body: (IdentityHarness) async throws -> Void
) async throws {
    var configuration = IdentityHarness.testConfiguration
    configure(&configuration)
    try await TestConcurrency.limiter.acquire()
    do {
        try await runIdentity(backend, prefix: prefix, configuration: configuration, logger: logger, body)
        await TestConcurrency.limiter.release()
    } catch {
        await TestConcurrency.limiter.release()
        throw error
    }
}

private func runIdentity(
    _ backend: TestBackend, prefix: String, configuration: IdentityConfiguration, logger: Logger,
    _ body: (IdentityHarness) async throws -> Void
) async throws {
    let database = try TestDatabase(backend, prefix: prefix)
    let harness: IdentityHarness
    do {
        harness = try await IdentityHarness.start(on: database, configuration: configuration, logger: logger)
    } catch {
        await database.destroy()
        throw error
    }
    do {
        try await body(harness)
    } catch {
        await harness.stop()
        await database.destroy()
        throw error
    }
    await harness.stop()
    await database.destroy()
}

/// Bounds how many Identity services run at once (threads, PostgreSQL connections).
public enum TestConcurrency {
    public static let limiter = AsyncLimiter(4)
}

/// A counting semaphore for tests. Waiting is cancellable: a task cancelled while it waits (a test past its time
/// limit) stops waiting and gets `CancellationError` instead of holding up the run.
public actor AsyncLimiter {
    private var available: Int
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID: UInt64 = 0

    public init(_ slots: Int) { available = slots }

    /// Takes a slot, waiting for one if none is free; throws `CancellationError` if the task is cancelled first.
    public func acquire() async throws {
        try Task.checkCancellation()
        if available > 0 {
            available -= 1
            return
        }
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Gives a slot back: to the longest waiting task, or to the pool.
    public func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().continuation.resume()
        }
    }

    private func cancelWaiter(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }
}

// MARK: - Accounts and tokens

/// A company registered through ``IdentityHarness/registerCompany``.
public struct RegisteredCompany: Sendable {
    /// "companies/{id}".
    public var name: String
    /// Its first organization.
    public var organization: String
    /// Its first administrator ("companies/{c}/users/{u}").
    public var administrator: String
    public var adminEmail: String
    public var adminPassword: String
    public var corporateNumber: String
    public var company: Cyberport_Identity_V1_Company

    public init(
        name: String, organization: String, administrator: String, adminEmail: String, adminPassword: String,
        corporateNumber: String, company: Cyberport_Identity_V1_Company
    ) {
        self.name = name
        self.organization = organization
        self.administrator = administrator
        self.adminEmail = adminEmail
        self.adminPassword = adminPassword
        self.corporateNumber = corporateNumber
        self.company = company
    }

    public var id: String { String(name.dropFirst("companies/".count)) }
}

/// An approved company with its administrator logged in.
public struct ActiveCompany: Sendable {
    public var registered: RegisteredCompany
    public var adminToken: String
    public var admin: CallOptions

    public init(registered: RegisteredCompany, adminToken: String, admin: CallOptions) {
        self.registered = registered
        self.adminToken = adminToken
        self.admin = admin
    }

    public var name: String { registered.name }
    public var organization: String { registered.organization }
    public var administrator: String { registered.administrator }
}

/// A user created through ``IdentityHarness/createUser``.
public struct CreatedUser: Sendable {
    public var user: Cyberport_Identity_V1_User
    public var email: String
    public var password: String
    public var name: String { user.name }

    public init(user: Cyberport_Identity_V1_User, email: String, password: String) {
        self.user = user
        self.email = email
        self.password = password
    }
}

extension IdentityHarness {
    /// Call options carrying `authorization: Bearer <token>`.
    public func options(_ token: String) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(timeout: .seconds(30), metadata: metadata)
    }

    /// Call options without credentials.
    public var anonymous: CallOptions { CallOptions(timeout: .seconds(30)) }

    public func loginResponse(_ email: String, _ password: String) async throws -> Cyberport_Identity_V1_LoginResponse {
        var request = Cyberport_Identity_V1_LoginRequest()
        request.email = email
        request.password = password
        return try await auth.login(request, options: anonymous)
    }

    /// Logs in and returns the session's tokens.
    public func grant(_ email: String, _ password: String) async throws -> Cyberport_Identity_V1_TokenGrant {
        let response = try await loginResponse(email, password)
        return try #require(response.grant)
    }

    /// Logs in and returns the access token.
    public func login(_ email: String, _ password: String) async throws -> String {
        try await grant(email, password).accessToken
    }

    public func refresh(_ refreshToken: String) async throws -> Cyberport_Identity_V1_TokenGrant {
        var request = Cyberport_Identity_V1_RefreshRequest()
        request.refreshToken = refreshToken
        return try await auth.refresh(request, options: anonymous)
    }

    public func operatorToken() async throws -> String {
        try await login(Self.operatorEmail, Self.operatorPassword)
    }

    public func operatorOptions() async throws -> CallOptions {
        options(try await operatorToken())
    }

    public func caller(_ options: CallOptions) async throws -> Cyberport_Identity_V1_Caller {
        try await auth.getCaller(Cyberport_Identity_V1_GetCallerRequest(), options: options)
    }

    // MARK: Companies

    /// A valid registration request for a company applying for `businessTypes`.
    public static func registration(
        businessTypes: [String], legalNameJa: String = "日本港湾物流株式会社", legalNameEn: String = "Nippon Port Logistics Co., Ltd.",
        corporateNumber: String = CorporateNumber.generate(), adminEmail: String = uniqueEmail("admin"),
        adminPassword: String = IdentityHarness.adminPassword, vgmNotificationNumber: String = "", vgmRegistrationNumber: String = "",
        organizationDisplayName: String = ""
    ) -> Cyberport_Identity_V1_RegisterCompanyRequest {
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
        contact.email = "contact@example.co.jp"
        contact.phone = "+81 3-1234-5678"
        company.contact = contact
        company.businessTypes = businessTypes.map { key in
            var application = Cyberport_Identity_V1_BusinessTypeApplication()
            application.businessType = key
            application.evidenceDocument = "permit-\(key)-001"
            return application
        }
        company.vgmNotificationNumber = vgmNotificationNumber
        company.vgmRegistrationNumber = vgmRegistrationNumber
        var administrator = Cyberport_Identity_V1_AdministratorAccount()
        administrator.email = adminEmail
        administrator.displayName = "管理者 花子"
        administrator.password = adminPassword
        var request = Cyberport_Identity_V1_RegisterCompanyRequest()
        request.company = company
        request.administrator = administrator
        request.organizationDisplayName = organizationDisplayName
        return request
    }

    /// Registers a company (pending) with `request` or a generated valid one.
    public func register(_ request: Cyberport_Identity_V1_RegisterCompanyRequest) async throws -> RegisteredCompany {
        let response = try await companies.registerCompany(request, options: anonymous)
        let company = try #require(response.company)
        return RegisteredCompany(
            name: company.name, organization: response.organization, administrator: response.administrator,
            adminEmail: request.administrator?.email ?? "", adminPassword: request.administrator?.password ?? "",
            corporateNumber: company.corporateNumber, company: company)
    }

    public func registerCompany(
        businessTypes: [String], legalNameJa: String = "日本港湾物流株式会社", legalNameEn: String = "Nippon Port Logistics Co., Ltd.",
        vgmNotificationNumber: String = "", vgmRegistrationNumber: String = "", organizationDisplayName: String = ""
    ) async throws -> RegisteredCompany {
        try await register(Self.registration(
            businessTypes: businessTypes, legalNameJa: legalNameJa, legalNameEn: legalNameEn,
            vgmNotificationNumber: vgmNotificationNumber, vgmRegistrationNumber: vgmRegistrationNumber,
            organizationDisplayName: organizationDisplayName))
    }

    /// Approves the company as the operator: all pending business types, or only `only` (the rest are rejected).
    @discardableResult
    public func approve(_ company: RegisteredCompany, only: [String] = []) async throws -> Cyberport_Identity_V1_Company {
        var request = Cyberport_Identity_V1_ApproveCompanyRequest()
        request.name = company.name
        request.businessTypes = only
        return try await companies.approveCompany(request, options: try await operatorOptions())
    }

    /// Registers, approves and logs in the administrator of a company.
    public func activeCompany(
        businessTypes: [String] = ["forwarder", "customsBroker"], legalNameJa: String = "日本港湾物流株式会社",
        legalNameEn: String = "Nippon Port Logistics Co., Ltd.", vgmNotificationNumber: String = ""
    ) async throws -> ActiveCompany {
        let registered = try await registerCompany(
            businessTypes: businessTypes, legalNameJa: legalNameJa, legalNameEn: legalNameEn,
            vgmNotificationNumber: vgmNotificationNumber)
        try await approve(registered)
        let token = try await login(registered.adminEmail, registered.adminPassword)
        return ActiveCompany(registered: registered, adminToken: token, admin: options(token))
    }

    // MARK: Users and organizations

    /// Creates an active user with a password (`organization` defaults to the company's first one).
    public func createUser(
        in company: ActiveCompany, organization: String? = nil, role: Cyberport_Identity_V1_UserRole = .user,
        email: String = uniqueEmail("user"), password: String = "Container-Yard-77", as options: CallOptions? = nil
    ) async throws -> CreatedUser {
        var request = Cyberport_Identity_V1_CreateUserRequest()
        request.parent = company.name
        var user = Cyberport_Identity_V1_User()
        user.email = email
        user.displayName = "利用者 \(email.prefix(8))"
        user.organization = organization ?? company.organization
        user.role = role
        request.user = user
        request.password = password
        let response = try await users.createUser(request, options: options ?? company.admin)
        return CreatedUser(user: try #require(response.user), email: email, password: password)
    }

    /// Invites a user (no password) and returns the response with the invitation token.
    public func inviteUser(
        in company: ActiveCompany, email: String = uniqueEmail("invitee"), role: Cyberport_Identity_V1_UserRole = .user
    ) async throws -> Cyberport_Identity_V1_CreateUserResponse {
        var request = Cyberport_Identity_V1_CreateUserRequest()
        request.parent = company.name
        var user = Cyberport_Identity_V1_User()
        user.email = email
        user.displayName = "招待 \(email.prefix(8))"
        user.organization = company.organization
        user.role = role
        request.user = user
        return try await users.createUser(request, options: company.admin)
    }

    public func createOrganization(
        in company: ActiveCompany, displayName: String, businessTypes: [String] = [], searchable: Bool = false,
        as options: CallOptions? = nil
    ) async throws -> Cyberport_Identity_V1_Organization {
        var request = Cyberport_Identity_V1_CreateOrganizationRequest()
        request.parent = company.name
        var organization = Cyberport_Identity_V1_Organization()
        organization.displayName = displayName
        organization.businessTypes = businessTypes
        organization.searchable = searchable
        request.organization = organization
        return try await organizations.createOrganization(request, options: options ?? company.admin)
    }

    public func getOrganization(_ name: String, _ options: CallOptions) async throws -> Cyberport_Identity_V1_Organization {
        var request = Cyberport_Identity_V1_GetOrganizationRequest()
        request.name = name
        return try await organizations.getOrganization(request, options: options)
    }

    /// Every user of the company (all pages).
    public func allUsers(of company: String, _ options: CallOptions) async throws -> [Cyberport_Identity_V1_User] {
        var result: [Cyberport_Identity_V1_User] = []
        var token = ""
        repeat {
            var request = Cyberport_Identity_V1_ListUsersRequest()
            request.parent = company
            request.pageSize = 100
            request.pageToken = token
            let page = try await users.listUsers(request, options: options)
            result += page.users
            token = page.nextPageToken
        } while !token.isEmpty
        return result
    }
}

// MARK: - Test data

/// An update mask of `paths`.
public func fieldMask(_ paths: String...) -> Google_Protobuf_FieldMask {
    var mask = Google_Protobuf_FieldMask()
    mask.paths = paths
    return mask
}

/// Unique e-mail addresses for one test run.
public func uniqueEmail(_ local: String) -> String {
    "\(local)-\(UUID().uuidString.prefix(8).lowercased())@example.co.jp"
}

/// Corporate numbers (法人番号) with a valid check digit: 13 digits, the first being 9 − (Σ Pn·Qn mod 9) over the 12
/// base digits counted from the right, Qn = 1 for odd n and 2 for even n.
public enum CorporateNumber {
    public static func checkDigit(base: String) -> Int {
        precondition(base.count == 12 && base.allSatisfy(\.isASCIIDigit))
        var sum = 0
        for (offset, character) in base.reversed().enumerated() {
            let digit = Int(String(character))!
            // n = offset + 1: odd n → Q = 1, even n → Q = 2.
            sum += digit * ((offset + 1) % 2 == 1 ? 1 : 2)
        }
        return 9 - sum % 9
    }

    /// A random valid corporate number.
    public static func generate() -> String {
        let base = (0..<12).map { _ in String(Int.random(in: 0...9)) }.joined()
        return "\(checkDigit(base: base))\(base)"
    }

    /// `number` with a wrong check digit.
    public static func withWrongCheckDigit(_ number: String) -> String {
        let digit = Int(String(number.first!))!
        return "\((digit + 1) % 10)\(number.dropFirst())"
    }
}

extension Character {
    public var isASCIIDigit: Bool { isASCII && isNumber }
}

// MARK: - JWT inspection

public enum JWT {
    /// The decoded JSON header of a compact JWS.
    public static func header(_ token: String) throws -> [String: Any] {
        let segment = try #require(token.split(separator: ".").first)
        return try json(String(segment))
    }

    public static func payload(_ token: String) throws -> [String: Any] {
        let segments = token.split(separator: ".")
        try #require(segments.count == 3)
        return try json(String(segments[1]))
    }

    private static func json(_ segment: String) throws -> [String: Any] {
        var base64 = segment.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }
}
