import CyberPortTestSupport
import DealsKit
import Foundation
import IdentityKit
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortStore
import PortWebhooks
import Testing

/// Identity and Deals in-process for one test: Identity through ``IdentityHarness`` and Deals on its own database,
/// verifying tokens with Identity's keys and looking organizations up in Identity with a real service credential.
final class DealsHarness: Sendable {
    let identity: IdentityHarness
    let database: TestDatabase
    let store: Database
    let server: RPCServer
    let instance: DealsInstance
    let client: RPCClient
    let deals: Cyberport_Deals_V1_DealServiceClient
    let timeline: Cyberport_Deals_V1_TimelineServiceClient

    private init(
        identity: IdentityHarness, database: TestDatabase, store: Database, server: RPCServer, instance: DealsInstance,
        client: RPCClient
    ) {
        self.identity = identity
        self.database = database
        self.store = store
        self.server = server
        self.instance = instance
        self.client = client
        deals = Cyberport_Deals_V1_DealServiceClient(client)
        timeline = Cyberport_Deals_V1_TimelineServiceClient(client)
    }

    static func start(identity: IdentityHarness, backend: TestBackend, withCredential: Bool = true) async throws -> DealsHarness {
        let database = try TestDatabase(backend, prefix: "deals")
        let store = try await database.open(migrations: DealsServer.migrations)
        var tokens: BearerTokenSource?
        if withCredential { tokens = identity.serviceTokens(try await identity.serviceCredential("deals")) }
        var configuration = DealsConfiguration(
            database: store, authenticator: Authenticator(verifier: identity.identity.verifier),
            directory: IdentityOrganizationDirectory(client: identity.client, tokens: tokens), logger: TestLog.quiet,
            webhookTargets: tokens.map { IdentityWebhookTargets(client: identity.client, tokens: $0, cacheTTL: .zero) })
        // Fast retries, so a test sees a redelivery within milliseconds.
        configuration.webhooks.retry = WebhookRetryPolicy(
            initialDelay: .milliseconds(20), multiplier: 2, maxDelay: .milliseconds(200), jitter: 0.2, maxAttempts: 20,
            maxAge: .seconds(60))
        configuration.webhooks.pollInterval = .milliseconds(50)
        var serverConfiguration = ServerConfiguration()
        serverConfiguration.host = "127.0.0.1"
        serverConfiguration.port = 0
        serverConfiguration.threads = 1
        let instance = DealsInstance(catalog: try FormCatalog.load(), configuration: configuration)
        await instance.start()
        let server = RPCServer(services: instance.services, configuration: serverConfiguration, logger: TestLog.quiet)
        do {
            try await server.start()
            guard let port = server.localPort else { throw TestSetupError("the server has no local port") }
            let client = try RPCClient(target: "127.0.0.1:\(port)")
            var warmUp = Cyberport_Deals_V1_ListFormDefinitionsRequest()
            warmUp.pageSize = 1
            _ = try await Cyberport_Deals_V1_DealServiceClient(client).listFormDefinitions(
                warmUp, options: CallOptions(timeout: .seconds(10)))
            return DealsHarness(
                identity: identity, database: database, store: store, server: server, instance: instance, client: client)
        } catch {
            await instance.drain()
            await server.shutdown(gracePeriod: .milliseconds(100))
            await store.close()
            await database.destroy()
            throw error
        }
    }

    func stop() async {
        await client.close()
        await instance.drain()
        await server.shutdown(gracePeriod: .seconds(1))
        await store.close()
        await database.destroy()
    }
}

/// Runs `body` with Identity and Deals on `backend`.
func withDeals(
    _ backend: TestBackend, withCredential: Bool = true, _ body: (DealsHarness) async throws -> Void
) async throws {
    try await withIdentity(backend, prefix: "deals") { identity in
        let harness = try await DealsHarness.start(identity: identity, backend: backend, withCredential: withCredential)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

/// A logged-in member of an approved company.
struct Member: Sendable {
    var company: ActiveCompany
    var options: CallOptions
    var organization: String { company.organization }
    var organizationID: String { String(organization.split(separator: "/").last ?? "") }
}

extension DealsHarness {
    /// An approved company with `businessTypes`, its administrator logged in.
    func member(_ businessTypes: [String]) async throws -> Member {
        let company = try await identity.activeCompany(businessTypes: businessTypes)
        return Member(company: company, options: company.admin)
    }

    func create(
        _ member: Member, direction: Cyberport_Deals_V1_TradeDirection = .export, businessType: String,
        bl: String = "", booking: String = "", scac: String = "", inHouse: String = "", name: String = "Deal"
    ) async throws -> Cyberport_Deals_V1_Deal {
        var deal = Cyberport_Deals_V1_Deal()
        deal.displayName = name
        deal.direction = direction
        deal.ownerBusinessType = businessType
        deal.blNumber = bl
        deal.bookingNumber = booking
        deal.scacCode = scac
        deal.inHouseNumber = inHouse
        deal.loadType = .fcl
        var request = Cyberport_Deals_V1_CreateDealRequest()
        request.deal = deal
        return try await deals.createDeal(request, options: member.options)
    }

    func get(_ name: String, _ member: Member) async throws -> Cyberport_Deals_V1_Deal {
        var request = Cyberport_Deals_V1_GetDealRequest()
        request.name = name
        return try await deals.getDeal(request, options: member.options)
    }

    func add(
        _ deal: Cyberport_Deals_V1_Deal, _ organization: String, businessType: String, hidden: Bool = false,
        overrides: [(String, Cyberport_Deals_V1_FormPermission)] = [], by member: Member
    ) async throws -> Cyberport_Deals_V1_Participant {
        var participant = Cyberport_Deals_V1_Participant()
        participant.organization = organization
        participant.businessType = businessType
        participant.hidden = hidden
        participant.formOverrides = overrides.map { form, permission in
            var entry = Cyberport_Deals_V1_FormOverride()
            entry.formCode = form
            entry.permission = permission
            return entry
        }
        var request = Cyberport_Deals_V1_AddParticipantRequest()
        request.parent = deal.name
        request.participant = participant
        return try await deals.addParticipant(request, options: member.options)
    }

    func participants(_ deal: Cyberport_Deals_V1_Deal, _ member: Member) async throws -> [Cyberport_Deals_V1_Participant] {
        var request = Cyberport_Deals_V1_ListParticipantsRequest()
        request.parent = deal.name
        request.pageSize = 100
        return try await deals.listParticipants(request, options: member.options).participants
    }

    func remove(_ participant: String, by member: Member) async throws {
        var request = Cyberport_Deals_V1_RemoveParticipantRequest()
        request.name = participant
        _ = try await deals.removeParticipant(request, options: member.options)
    }

    func list(_ member: Member, configure: (inout Cyberport_Deals_V1_ListDealsRequest) -> Void = { _ in })
        async throws -> Cyberport_Deals_V1_ListDealsResponse
    {
        var request = Cyberport_Deals_V1_ListDealsRequest()
        configure(&request)
        return try await deals.listDeals(request, options: member.options)
    }
}
