import CyberPortTestSupport
import Foundation
import IdentityKit
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortStore
import StatsKit
import Testing

/// Identity and Stats in-process for one test: Identity through ``IdentityHarness`` and Stats on its own database,
/// verifying tokens with Identity's keys.
final class StatsHarness: Sendable {
    let identity: IdentityHarness
    let database: TestDatabase
    let store: Database
    let server: RPCServer
    let client: RPCClient
    let ports: Cyberport_Stats_V1_PortServiceClient
    let portCalls: Cyberport_Stats_V1_PortCallServiceClient
    let survey: Cyberport_Stats_V1_PortSurveyServiceClient
    let tables: Cyberport_Stats_V1_StatisticalTableServiceClient
    let facilities: Cyberport_Stats_V1_FacilityLedgerServiceClient
    let inspections: Cyberport_Stats_V1_InspectionServiceClient
    let assets: Cyberport_Stats_V1_AssetQueryServiceClient

    private init(identity: IdentityHarness, database: TestDatabase, store: Database, server: RPCServer, client: RPCClient) {
        self.identity = identity
        self.database = database
        self.store = store
        self.server = server
        self.client = client
        ports = .init(client)
        portCalls = .init(client)
        survey = .init(client)
        tables = .init(client)
        facilities = .init(client)
        inspections = .init(client)
        assets = .init(client)
    }

    static func start(identity: IdentityHarness, backend: TestBackend) async throws -> StatsHarness {
        let database = try TestDatabase(backend, prefix: "stats")
        let store = try await database.open(migrations: StatsServer.migrations)
        let configuration = StatsConfiguration(
            database: store, authenticator: Authenticator(verifier: identity.identity.verifier), logger: TestLog.quiet)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = 1
        let server = RPCServer(
            services: try StatsServer.services(configuration: configuration), configuration: serverConfiguration,
            logger: TestLog.quiet)
        do {
            try await server.start()
            guard let port = server.localPort else { throw TestSetupError("the server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            // One call before the test runs (see IdentityHarness: concurrent first calls on a fresh client race).
            _ = try await Cyberport_Stats_V1_StatisticalTableServiceClient(client).listSurveyTables(
                Cyberport_Stats_V1_ListSurveyTablesRequest(), options: CallOptions(timeout: .seconds(10)))
            return StatsHarness(identity: identity, database: database, store: store, server: server, client: client)
        } catch {
            await server.shutdown(gracePeriod: .milliseconds(100))
            await store.close()
            await database.destroy()
            throw error
        }
    }

    func stop() async {
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
        await store.close()
        await database.destroy()
    }
}

/// Runs `body` with Identity and Stats on `backend`.
func withStats(_ backend: TestBackend, _ body: (StatsHarness) async throws -> Void) async throws {
    try await withIdentity(backend, prefix: "stats") { identity in
        let harness = try await StatsHarness.start(identity: identity, backend: backend)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

/// A logged-in member of an organization.
struct Member: Sendable {
    var organization: String
    var options: CallOptions
    var organizationID: String { String(organization.split(separator: "/").last ?? "") }
}

extension StatsHarness {
    /// An approved company with `businessTypes`, its administrator logged in.
    func member(_ businessTypes: [String]) async throws -> Member {
        let company = try await identity.activeCompany(businessTypes: businessTypes)
        return Member(organization: company.organization, options: company.admin)
    }

    /// A port authority (a public body registered by the operator) managing `ports`, its administrator logged in.
    func portAuthority(_ ports: [String]) async throws -> Member {
        var company = Cyberport_Identity_V1_Company()
        company.legalNameJa = "港湾管理者"
        company.legalNameEn = "Port authority"
        var address = Cyberport_Identity_V1_Address()
        address.addressLine = "東京都江東区青海2-4-24"
        company.address = address
        var contact = Cyberport_Identity_V1_Contact()
        contact.personName = "港湾局 担当"
        contact.email = "port@authority.example.jp"
        company.contact = contact
        var administrator = Cyberport_Identity_V1_AdministratorAccount()
        administrator.email = uniqueEmail("port-authority")
        administrator.displayName = "港湾局 管理者"
        administrator.password = IdentityHarness.adminPassword
        var request = Cyberport_Identity_V1_RegisterPublicBodyRequest()
        request.company = company
        request.administrator = administrator
        request.organizationDisplayName = "港湾局 \(ports.joined(separator: " "))"
        request.managedPorts = ports
        let response = try await identity.companies.registerPublicBody(request, options: try await identity.operatorOptions())
        let token = try await identity.login(administrator.email, administrator.password)
        return Member(organization: response.organization, options: identity.options(token))
    }

    @discardableResult
    func createPort(
        _ locode: String, _ surveyClass: Cyberport_Stats_V1_SurveyClass, by authority: Member
    ) async throws -> Cyberport_Stats_V1_Port {
        var port = Cyberport_Stats_V1_Port()
        port.locode = locode
        port.displayNameJa = "港 \(locode)"
        port.displayNameEn = "Port \(locode)"
        port.surveyClass = surveyClass
        port.portClass = .important
        var request = Cyberport_Stats_V1_CreatePortRequest()
        request.port = port
        return try await ports.createPort(request, options: authority.options)
    }
}
