import CyberPortTestSupport
import DealsKit
import Foundation
import IdentityKit
import Logging
import NaccsKit
import NaccsLink
import NaccsMessages
import NaccsSimulatorKit
import PortAPI
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import PortStore
import PortWebhooks
import Testing

/// Identity, Deals, the NACCS simulator and the Naccs relay, all in-process on loopback ports, for one test. Deals and
/// Naccs have real service credentials ("deals", "naccs") made by the operator; the relay talks to the simulator
/// through `NaccsTCPLink`.
final class RelayHarness: Sendable {
    /// The NACCS users the simulator accepts (and the tests register as credentials).
    static let carrierUser = ("CAR01", "001", "Carr1erP")
    static let forwarderUser = ("FWD01", "001", "Forw4rdr")
    static let terminalUser = ("TRM01", "002", "Term1nal")
    static let brokerUser = ("BRK01", "001", "Brok3rPw")

    let identity: IdentityHarness
    let simulator: NaccsSimulatorServer
    let dealsClient: RPCClient
    let naccsClient: RPCClient
    let deals: Cyberport_Deals_V1_DealServiceClient
    let forms: Cyberport_Deals_V1_FormServiceClient
    let relay: Cyberport_Naccs_V1_NaccsRelayServiceClient
    let credentials: Cyberport_Naccs_V1_NaccsCredentialServiceClient
    private let stopAll: @Sendable () async -> Void

    private init(
        identity: IdentityHarness, simulator: NaccsSimulatorServer, dealsClient: RPCClient, naccsClient: RPCClient,
        stop: @escaping @Sendable () async -> Void
    ) {
        self.identity = identity
        self.simulator = simulator
        self.dealsClient = dealsClient
        self.naccsClient = naccsClient
        deals = Cyberport_Deals_V1_DealServiceClient(dealsClient)
        forms = Cyberport_Deals_V1_FormServiceClient(dealsClient)
        relay = Cyberport_Naccs_V1_NaccsRelayServiceClient(naccsClient)
        credentials = Cyberport_Naccs_V1_NaccsCredentialServiceClient(naccsClient)
        stopAll = stop
    }

    func stop() async { await stopAll() }

    static func serverConfiguration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.threads = 1
        return configuration
    }

    static func start(
        identity: IdentityHarness, backend: TestBackend, simulator configure: (inout NaccsSimulatorConfiguration) -> Void
    ) async throws -> RelayHarness {
        let verifier = identity.identity.verifier
        // Deals.
        let dealsDatabase = try TestDatabase(backend, prefix: "ndeals")
        let dealsStore = try await dealsDatabase.open(migrations: DealsServer.migrations)
        let dealsTokens = identity.serviceTokens(try await identity.serviceCredential("deals"))
        let dealsConfiguration = DealsConfiguration(
            database: dealsStore, authenticator: Authenticator(verifier: verifier),
            directory: IdentityOrganizationDirectory(client: identity.client, tokens: dealsTokens), logger: TestLog.quiet)
        let dealsInstance = DealsInstance(catalog: try FormCatalog.load(), configuration: dealsConfiguration)
        let dealsServer = RPCServer(services: dealsInstance.services, configuration: serverConfiguration(), logger: TestLog.quiet)
        try await dealsServer.start()
        let dealsClient = try RPCClient(target: "127.0.0.1:\(dealsServer.localPort ?? 0)")

        // The simulator.
        let users = [carrierUser, forwarderUser, terminalUser, brokerUser].map {
            NaccsSimulatorUser(userCode: $0.0, identificationNumber: $0.1, password: $0.2, mailAddress: "\($0.0.lowercased())@example.jp")
        }
        var simulatorConfiguration = NaccsSimulatorConfiguration(users: users, slowOutputDelay: .milliseconds(50))
        configure(&simulatorConfiguration)
        let simulator = try NaccsSimulatorServer(configuration: simulatorConfiguration, logger: TestLog.quiet)
        try await simulator.start()
        let link = NaccsTCPLink(
            configuration: .init(host: "127.0.0.1", port: simulator.port ?? 0, exchangeTimeout: .seconds(10)),
            logger: TestLog.quiet)

        // Naccs.
        let naccsDatabase = try TestDatabase(backend, prefix: "naccs")
        let naccsStore = try await naccsDatabase.open(migrations: NaccsServer.migrations)
        let naccsTokens = identity.serviceTokens(try await identity.serviceCredential("naccs"))
        var configuration = NaccsConfiguration(
            database: naccsStore, authenticator: Authenticator(verifier: verifier),
            deals: DealsRPCGateway(client: dealsClient, serviceTokens: naccsTokens), link: link,
            keyEncryptionKey: SecretBox.generateKey(), logger: TestLog.quiet,
            webhookTargets: IdentityWebhookTargets(client: identity.client, tokens: naccsTokens, cacheTTL: .zero))
        configuration.webhooks.retry = WebhookRetryPolicy(
            initialDelay: .milliseconds(20), multiplier: 2, maxDelay: .milliseconds(200), jitter: 0.2, maxAttempts: 20,
            maxAge: .seconds(60))
        configuration.webhooks.pollInterval = .milliseconds(50)
        configuration.relay.pollInterval = .milliseconds(50)
        configuration.relay.mailboxWait = .milliseconds(200)
        configuration.relay.reconcileWait = .milliseconds(300)
        configuration.relay.retry = NaccsRetryPolicy(
            initialDelay: .milliseconds(10), multiplier: 2, maxDelay: .milliseconds(100), jitter: 0.2, maxAttempts: 50)
        let naccs = try NaccsInstance(configuration: configuration)
        await naccs.start()
        let naccsServer = RPCServer(services: naccs.services, configuration: serverConfiguration(), logger: TestLog.quiet)
        try await naccsServer.start()
        let naccsClient = try RPCClient(target: "127.0.0.1:\(naccsServer.localPort ?? 0)")

        return RelayHarness(identity: identity, simulator: simulator, dealsClient: dealsClient, naccsClient: naccsClient) {
            await naccsClient.close()
            await naccs.drain()
            await naccsServer.shutdown(gracePeriod: .milliseconds(500))
            await link.shutdown()
            await simulator.shutdown()
            await naccsStore.close()
            await naccsDatabase.destroy()
            await dealsClient.close()
            await dealsInstance.drain()
            await dealsServer.shutdown(gracePeriod: .milliseconds(500))
            await dealsStore.close()
            await dealsDatabase.destroy()
        }
    }
}

/// Runs `body` with Identity, Deals, the simulator and the relay on `backend`.
func withRelay(
    _ backend: TestBackend, simulator: (inout NaccsSimulatorConfiguration) -> Void = { _ in },
    _ body: (RelayHarness) async throws -> Void
) async throws {
    try await withIdentity(backend, prefix: "nid") { identity in
        let harness = try await RelayHarness.start(identity: identity, backend: backend, simulator: simulator)
        do {
            try await body(harness)
        } catch {
            await harness.stop()
            throw error
        }
        await harness.stop()
    }
}

/// A logged-in administrator of an approved company with one business type.
struct Party: Sendable {
    var company: ActiveCompany
    var businessType: String
    var options: CallOptions { company.admin }
    var organization: String { company.organization }
}

extension RelayHarness {
    /// An approved company with `businessType`, and (when `user` is given) its NACCS credential.
    func party(_ businessType: String, naccs user: (String, String, String)? = nil) async throws -> Party {
        let company = try await identity.activeCompany(businessTypes: [businessType])
        let party = Party(company: company, businessType: businessType)
        if let user {
            var request = Cyberport_Naccs_V1_CreateNaccsCredentialRequest()
            request.parent = party.organization
            var credential = Cyberport_Naccs_V1_NaccsCredential()
            credential.displayName = "NACCS \(user.0)"
            credential.userCode = user.0
            credential.identificationNumber = user.1
            credential.password = user.2
            request.naccsCredential = credential
            _ = try await credentials.createNaccsCredential(request, options: party.options)
        }
        return party
    }

    /// A deal owned by `owner`, with `others` added by the owner.
    func deal(
        _ direction: Cyberport_Deals_V1_TradeDirection, owner: Party, others: [Party], bl: String = ""
    ) async throws -> Cyberport_Deals_V1_Deal {
        var deal = Cyberport_Deals_V1_Deal()
        deal.displayName = "NACCS relay test"
        deal.direction = direction
        deal.ownerBusinessType = owner.businessType
        deal.blNumber = bl
        var create = Cyberport_Deals_V1_CreateDealRequest()
        create.deal = deal
        let created = try await deals.createDeal(create, options: owner.options)
        for other in others {
            var participant = Cyberport_Deals_V1_Participant()
            participant.organization = other.organization
            participant.businessType = other.businessType
            var add = Cyberport_Deals_V1_AddParticipantRequest()
            add.parent = created.name
            add.participant = participant
            _ = try await deals.addParticipant(add, options: owner.options)
        }
        return created
    }

    /// Creates (or returns) the form of `code` on `deal` with `items`.
    func form(
        _ deal: Cyberport_Deals_V1_Deal, _ code: String, _ items: [String: [String]], customID: String = "", by party: Party
    ) async throws -> Cyberport_Naccs_V1_NaccsForm {
        var request = Cyberport_Naccs_V1_CreateNaccsFormRequest()
        request.parent = deal.name
        request.businessCode = code
        request.customId = customID
        request.items = items.keys.sorted().map { key in
            var item = Cyberport_Naccs_V1_NaccsItem()
            item.item = key
            item.values = items[key] ?? []
            return item
        }
        return try await relay.createNaccsForm(request, options: party.options)
    }

    func send(_ form: Cyberport_Naccs_V1_NaccsForm, requestID: String = UUID().uuidString, by party: Party) async throws
        -> Cyberport_Naccs_V1_NaccsSend
    {
        var request = Cyberport_Naccs_V1_SendNaccsFormRequest()
        request.name = form.name
        request.requestId = requestID
        return try await relay.sendNaccsForm(request, options: party.options)
    }

    func getSend(_ name: String, by party: Party) async throws -> Cyberport_Naccs_V1_NaccsSend {
        var request = Cyberport_Naccs_V1_GetNaccsSendRequest()
        request.name = name
        return try await relay.getNaccsSend(request, options: party.options)
    }

    /// Polls the send until it reached ACCEPTED, REJECTED or FAILED.
    func completed(_ send: Cyberport_Naccs_V1_NaccsSend, by party: Party) async throws -> Cyberport_Naccs_V1_NaccsSend {
        try await eventually {
            let current = try await self.getSend(send.name, by: party)
            return [.accepted, .rejected, .failed].contains(current.state) ? current : nil
        }
    }

    /// Creates the form, sends it and waits for its outcome, expecting ACCEPTED.
    func accepted(
        _ deal: Cyberport_Deals_V1_Deal, _ code: String, _ items: [String: [String]], customID: String = "", by party: Party
    ) async throws -> Cyberport_Naccs_V1_NaccsSend {
        let form = try await form(deal, code, items, customID: customID, by: party)
        let done = try await completed(try await send(form, by: party), by: party)
        #expect(done.state == .accepted, "\(code): \(done.resultCodes.map(\.code)) \(done.error)")
        return done
    }

    func output(_ name: String, format: Cyberport_Naccs_V1_NaccsOutputFormat = .unspecified, by party: Party) async throws
        -> Cyberport_Naccs_V1_NaccsOutput
    {
        var request = Cyberport_Naccs_V1_GetNaccsOutputRequest()
        request.name = name
        request.format = format
        return try await relay.getNaccsOutput(request, options: party.options)
    }

    /// The items of an output's JSON.
    func items(_ output: Cyberport_Naccs_V1_NaccsOutput) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.json.utf8)) as? [String: Any]
        return object?["items"] as? [String: Any] ?? [:]
    }

    func information(_ deal: Cyberport_Deals_V1_Deal, code: String = "", by party: Party) async throws -> [String: String] {
        var request = Cyberport_Naccs_V1_GetNaccsInformationRequest()
        request.name = "\(deal.name)/naccsInformation"
        request.businessCode = code
        let information = try await relay.getNaccsInformation(request, options: party.options)
        return Dictionary(information.values.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
    }

    func root(_ deal: Cyberport_Deals_V1_Deal, by party: Party) async throws -> [String: String] {
        var request = Cyberport_Deals_V1_GetRootDocumentRequest()
        request.name = "\(deal.name)/rootDocument"
        let document = try await forms.getRootDocument(request, options: party.options)
        return Dictionary(document.values.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// Registers a webhook target of `party`'s company for its organization.
    func webhookTarget(for party: Party, url: String) async throws {
        var request = Cyberport_Identity_V1_CreateWebhookTargetRequest()
        request.parent = party.company.name
        var target = Cyberport_Identity_V1_WebhookTarget()
        target.displayName = "基幹システム"
        target.url = url
        target.secretToken = "naccs-relay-test-secret"
        target.organizations = [party.organization]
        request.webhookTarget = target
        _ = try await identity.webhooks.createWebhookTarget(request, options: party.options)
    }

    /// Today in Japan, shifted by `days`, as yyyyMMdd.
    static func japanDate(addingDays days: Int = 0) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo") ?? TimeZone(secondsFromGMT: 9 * 3600) ?? .current
        let date = calendar.date(byAdding: .day, value: days, to: Date()) ?? Date()
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// A valid ISO 6346 container number.
    static func container(_ owner: String, _ serial: Int) -> String {
        let prefix = owner + "U" + String(format: "%06d", serial)
        return prefix + String(NaccsContainerNumber.checkDigit(of: prefix) ?? 0)
    }
}

/// Polls `condition` every 20 ms until it returns a value (at most 20 s).
func eventually<T: Sendable>(_ condition: @Sendable () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if let value = try await condition() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ConditionTimedOut()
}

struct ConditionTimedOut: Error {}
