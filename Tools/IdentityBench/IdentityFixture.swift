import BenchKit
import Foundation
import IdentityKit
import Logging
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortServiceKit
import PortStore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A user the login phase logs in as.
struct BenchUser: Sendable {
    var email: String
    var password: String
}

/// An in-process Identity service on a temporary SQLite database, served over gRPC on 127.0.0.1 with a free port,
/// and a client connected to it.
final class IdentityFixture: Sendable {
    static let operatorEmail = "operator@identity-bench.example"
    static let operatorPassword = "Op3rator-Bench-Console"

    let directory: String
    /// Whether `directory` was made here (and is deleted at the end) or belongs to the caller.
    let ownsDirectory: Bool
    let configuration: IdentityConfiguration
    let database: Database
    let identity: IdentityServer
    let server: RPCServer
    let client: RPCClient
    let port: Int
    private let serving = Mutex(true)

    let auth: Cyberport_Identity_V1_AuthServiceClient
    let companies: Cyberport_Identity_V1_CompanyServiceClient
    let users: Cyberport_Identity_V1_UserServiceClient
    let apiKeys: Cyberport_Identity_V1_ApiKeyServiceClient

    private init(
        directory: String, ownsDirectory: Bool, configuration: IdentityConfiguration, database: Database, identity: IdentityServer,
        server: RPCServer, client: RPCClient, port: Int
    ) {
        self.directory = directory
        self.ownsDirectory = ownsDirectory
        self.configuration = configuration
        self.database = database
        self.identity = identity
        self.server = server
        self.client = client
        self.port = port
        auth = Cyberport_Identity_V1_AuthServiceClient(client)
        companies = Cyberport_Identity_V1_CompanyServiceClient(client)
        users = Cyberport_Identity_V1_UserServiceClient(client)
        apiKeys = Cyberport_Identity_V1_ApiKeyServiceClient(client)
    }

    /// Creates the database (in `workDirectory`, or in a new temporary directory), starts Identity (with the
    /// bootstrap operator) and its server.
    static func start(
        passwordHashing: PasswordHasher.Parameters, hashThreads: Int, serverThreads: Int, workDirectory: String?,
        logger: Logger
    ) async throws -> IdentityFixture {
        let directory: String
        let ownsDirectory = workDirectory == nil
        if let workDirectory {
            directory = workDirectory
        } else {
            var template = Array("/tmp/port-identity-bench.XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                throw BenchError("cannot create a temporary directory: \(String(cString: strerror(errno)))")
            }
            directory = String(cString: made)
        }
        let removeDirectory = { if ownsDirectory { Self.removeDirectory(directory) } }

        var configuration = IdentityConfiguration()
        configuration.passwordHashing = passwordHashing
        configuration.passwordHashThreads = hashThreads
        // As in production: signing keys sealed at rest (also keeps the "unencrypted keys" warning out of the log).
        configuration.keyEncryptionKey = SecureRandom.bytes(32)
        configuration.bootstrapOperator = OperatorAccount(email: operatorEmail, password: operatorPassword)

        let database: Database
        do {
            database = try await Database.open(
                .sqlite(path: "\(directory)/identity.sqlite3"), migrations: IdentityServer.migrations, logger: logger)
        } catch {
            removeDirectory()
            throw error
        }
        let identity: IdentityServer
        do {
            identity = try await IdentityServer.start(database: database, configuration: configuration, logger: logger)
        } catch {
            await database.close()
            removeDirectory()
            throw error
        }
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = serverThreads
        serverConfiguration.shutdownGracePeriod = .seconds(2)
        let server = RPCServer(services: identity.services, configuration: serverConfiguration, logger: logger)
        do {
            try await server.start()
            guard let port = server.localPort else { throw BenchError("the server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            return IdentityFixture(
                directory: directory, ownsDirectory: ownsDirectory, configuration: configuration, database: database, identity: identity,
                server: server, client: client, port: port)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            await identity.shutdown()
            await database.close()
            removeDirectory()
            throw error
        }
    }

    /// Stops the gRPC server only (Identity becomes unreachable; the database stays open).
    func stopServing() async {
        // Once: a second RPCServer.shutdown after the first has finished waits on a future of the stopped event
        // loops and never returns.
        guard serving.withLock({ serving in defer { serving = false }; return serving }) else { return }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    /// Stops everything and deletes the temporary directory.
    func stop() async {
        await client.close()
        await stopServing()
        await identity.shutdown()
        await database.close()
        if ownsDirectory {
            Self.removeDirectory(directory)
        } else {
            for suffix in ["", "-wal", "-shm"] { unlink("\(directory)/identity.sqlite3\(suffix)") }
        }
    }

    private static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    // MARK: - Calls

    static let setupTimeout = Duration.seconds(60)

    var anonymous: CallOptions { CallOptions(timeout: Self.setupTimeout) }

    /// Call options carrying `authorization: Bearer <token>`.
    static func bearer(_ token: String, timeout: Duration = setupTimeout) -> CallOptions {
        var metadata = Metadata()
        metadata.add("authorization", "Bearer \(token)")
        return CallOptions(timeout: timeout, metadata: metadata)
    }

    func login(_ email: String, _ password: String) async throws -> String {
        var request = Cyberport_Identity_V1_LoginRequest()
        request.email = email
        request.password = password
        let response = try await auth.login(request, options: anonymous)
        guard let token = response.grant?.accessToken, !token.isEmpty else {
            throw BenchError("Login of \(email) returned no access token")
        }
        return token
    }
}

/// The data the phases work on: users with passwords and access tokens of an API key.
struct Population: Sendable {
    var company: String
    var organization: String
    var corporateNumber: String
    var users: [BenchUser]
    /// The API key whose exchanges minted `tokens`.
    var apiKeyName: String
    var tokens: [String]
    /// Set-up timings (seconds) and the exchange rate, for the report.
    var userCreationSeconds: Double
    var exchangeSeconds: Double
}

extension IdentityFixture {
    /// Registers and approves a company, creates `userCount` users with passwords and one API key, and exchanges the
    /// key for `tokenCount` access tokens (`concurrency` calls at a time).
    func populate(userCount: Int, tokenCount: Int, concurrency: Int) async throws -> Population {
        let corporateNumber = CorporateNumber.generate()
        let adminEmail = "admin@identity-bench.example"
        let adminPassword = "Harbour#Gate-Bench-01"

        var company = Cyberport_Identity_V1_Company()
        company.legalNameJa = "ベンチマーク港湾物流株式会社"
        company.legalNameEn = "Benchmark Port Logistics Co., Ltd."
        company.corporateNumber = corporateNumber
        var address = Cyberport_Identity_V1_Address()
        address.postalCode = "100-0013"
        address.addressLine = "東京都千代田区霞が関1-1-1"
        address.countryCode = "JP"
        company.address = address
        var contact = Cyberport_Identity_V1_Contact()
        contact.personName = "山田 太郎"
        contact.email = "contact@identity-bench.example"
        contact.phone = "+81 3-1234-5678"
        company.contact = contact
        company.businessTypes = ["forwarder", "customsBroker"].map { key in
            var application = Cyberport_Identity_V1_BusinessTypeApplication()
            application.businessType = key
            application.evidenceDocument = "permit-\(key)-001"
            return application
        }
        var administrator = Cyberport_Identity_V1_AdministratorAccount()
        administrator.email = adminEmail
        administrator.displayName = "管理者 花子"
        administrator.password = adminPassword
        var registration = Cyberport_Identity_V1_RegisterCompanyRequest()
        registration.company = company
        registration.administrator = administrator
        let registered = try await companies.registerCompany(registration, options: anonymous)
        guard let companyName = registered.company?.name, !registered.organization.isEmpty else {
            throw BenchError("RegisterCompany returned no company or organization")
        }

        let operatorToken = try await login(Self.operatorEmail, Self.operatorPassword)
        var approval = Cyberport_Identity_V1_ApproveCompanyRequest()
        approval.name = companyName
        let approved = try await companies.approveCompany(approval, options: Self.bearer(operatorToken))
        guard approved.status == .approved else { throw BenchError("ApproveCompany left \(companyName) \(approved.status)") }

        let admin = Self.bearer(try await login(adminEmail, adminPassword))
        let organization = registered.organization

        let usersStart = monotonicNanos()
        let users = try await forEachConcurrently(userCount, concurrency: concurrency) { [self] index in
            let user = BenchUser(
                email: String(format: "user-%04d@identity-bench.example", index),
                password: String(format: "Container-Yard-%04d!", index))
            var request = Cyberport_Identity_V1_CreateUserRequest()
            request.parent = companyName
            var proto = Cyberport_Identity_V1_User()
            proto.email = user.email
            proto.displayName = "利用者 \(index)"
            proto.organization = organization
            proto.role = .user
            request.user = proto
            request.password = user.password
            let response = try await self.users.createUser(request, options: admin)
            guard response.user?.state == .active else { throw BenchError("CreateUser did not make \(user.email) active") }
            return user
        }
        let userCreationSeconds = Double(monotonicNanos() - usersStart) / 1e9

        var keyRequest = Cyberport_Identity_V1_CreateApiKeyRequest()
        keyRequest.parent = organization
        var key = Cyberport_Identity_V1_ApiKey()
        key.displayName = "ベンチマーク連携"
        keyRequest.apiKey = key
        let createdKey = try await apiKeys.createApiKey(keyRequest, options: admin)
        guard !createdKey.key.isEmpty, let apiKeyName = createdKey.apiKey?.name else {
            throw BenchError("CreateApiKey returned no key")
        }

        let exchangeStart = monotonicNanos()
        let plaintext = createdKey.key
        let tokens = try await forEachConcurrently(tokenCount, concurrency: concurrency) { [self] _ in
            var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
            request.apiKey = plaintext
            let grant = try await self.auth.exchangeApiKey(request, options: self.anonymous)
            guard !grant.accessToken.isEmpty else { throw BenchError("ExchangeApiKey returned no access token") }
            return grant.accessToken
        }
        let exchangeSeconds = Double(monotonicNanos() - exchangeStart) / 1e9
        guard Set(tokens).count == tokens.count else {
            throw BenchError("ExchangeApiKey minted \(tokens.count - Set(tokens).count) duplicate tokens")
        }
        return Population(
            company: companyName, organization: organization, corporateNumber: corporateNumber, users: users,
            apiKeyName: apiKeyName, tokens: tokens, userCreationSeconds: userCreationSeconds,
            exchangeSeconds: exchangeSeconds)
    }
}

/// Corporate numbers (法人番号): 13 digits, the first being the check digit 9 − (Σ Pn·Qn mod 9) over the 12 base
/// digits counted from the right, Qn = 1 for odd n and 2 for even n (e.g. 1180301018771).
enum CorporateNumber {
    static func checkDigit(base: [Int]) -> Int {
        precondition(base.count == 12)
        var sum = 0
        for (offset, digit) in base.reversed().enumerated() {
            sum += digit * ((offset + 1) % 2 == 1 ? 1 : 2)
        }
        return 9 - sum % 9
    }

    static func generate() -> String {
        let base = (0..<12).map { _ in Int.random(in: 0...9) }
        return "\(checkDigit(base: base))" + base.map(String.init).joined()
    }
}

/// A set-up failure with a message.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
