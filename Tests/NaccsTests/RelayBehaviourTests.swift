import CyberPortTestSupport
import Foundation
import NaccsSimulatorKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// Idempotent sends, permissions, validation, credentials, transient faults retried and permanent errors surfaced.
@Suite("NACCS relay behaviour", .serialized)
struct RelayBehaviourTests {
    static let booking: [String: [String]] = [
        "SCC": ["ONEY"], "VSN": ["JXYZ"], "VOY": ["001E"], "POL": ["JPTYO"], "POD": ["USLAX"], "RST": ["22G1"], "RQT": ["1"],
    ]

    static func booking(_ number: String) -> [String: [String]] { booking.merging(["BKN": [number]]) { $1 } }

    @Test("a retried send with the same request id is the same send, transmitted once", arguments: TestBackend.available)
    func idempotentSend(backend: TestBackend) async throws {
        try await withRelay(backend) { h in
            let carrier = try await h.party("oceanShipping", naccs: RelayHarness.carrierUser)
            let deal = try await h.deal(.export, owner: carrier, others: [])
            let form = try await h.form(deal, "BKR", Self.booking("BKIDEM01"), by: carrier)
            let again = try await h.form(deal, "BKR", [:], by: carrier)
            #expect(again.etag == form.etag, "creating an existing form returns it")
            let first = try await h.send(form, requestID: "retry-1", by: carrier)
            let second = try await h.send(form, requestID: "retry-1", by: carrier)
            #expect(first.name == second.name)
            #expect(first.inputInformationId == second.inputInformationId)
            let done = try await h.completed(first, by: carrier)
            #expect(done.state == .accepted)
            let third = try await h.send(form, requestID: "retry-1", by: carrier)
            #expect(third.name == first.name && third.state == .accepted)
            // A second declaration of the same booking would be refused by NACCS (E0002): the first one is the only one.
            let statistics = await h.simulator.statistics()
            #expect(statistics.processed == 1)
            // A new request id is a new send: NACCS refuses the duplicate booking, a result the carrier sees.
            let duplicate = try await h.completed(try await h.send(form, requestID: "retry-2", by: carrier), by: carrier)
            #expect(duplicate.state == .rejected)
            #expect(duplicate.resultCodes.map(\.code) == ["E0002-BKN -0000"])
        }
    }

    @Test("permissions follow the table; validation names the item; credentials stay secret", arguments: TestBackend.available)
    func permissionsAndValidation(backend: TestBackend) async throws {
        try await withRelay(backend) { h in
            let broker = try await h.party("customsBroker", naccs: RelayHarness.brokerUser)
            let terminal = try await h.party("terminalOperator", naccs: RelayHarness.terminalUser)
            let outsider = try await h.party("customsBroker")
            let deal = try await h.deal(.export, owner: broker, others: [terminal])

            // The terminal takes part but may not declare; an outsider may not touch the deal at all.
            await expectRPCError(.permissionDenied) { try await h.form(deal, "EDA", [:], by: terminal) }
            await expectRPCError(.permissionDenied) { try await h.form(deal, "EDA", [:], by: outsider) }
            var missingDeal = Cyberport_Naccs_V1_CreateNaccsFormRequest()
            missingDeal.parent = "deals/EXP_20000101_000001"
            missingDeal.businessCode = "EDA"
            await expectRPCError(.permissionDenied) { try await h.relay.createNaccsForm(missingDeal, options: broker.options) }

            // Values are checked against the layout, naming the item.
            await expectRPCError(.invalidArgument, field: "items.DTM[1]") {
                try await h.form(deal, "CYA", ["DTM": ["20241332"]], by: terminal)
            }
            await expectRPCError(.invalidArgument, field: "items.EFG[1]") {
                try await h.form(deal, "CYA", ["EFG": ["7"]], by: terminal)
            }
            await expectRPCError(.invalidArgument, field: "items.CNO") {
                try await h.form(deal, "CYA", ["CNO": ["TOO-LONG-CONTAINER"]], by: terminal)
            }
            await expectRPCError(.invalidArgument, field: "items[0].item") {
                try await h.form(deal, "CYA", ["ZZZ": ["1"]], by: terminal)
            }
            // A form with blank mandatory items is saved but cannot be sent.
            let draft = try await h.form(deal, "EDC", [:], by: broker)
            #expect(draft.missingItems == ["DNO[1]"])
            await expectRPCError(.failedPrecondition, reason: "MISSING_ITEMS") { try await h.send(draft, by: broker) }
            // Edits need the etag.
            var update = Cyberport_Naccs_V1_UpdateNaccsFormRequest()
            var changed = draft
            changed.items = [{ var item = Cyberport_Naccs_V1_NaccsItem(); item.item = "DNO"; item.values = ["10000000001"]; return item }()]
            update.naccsForm = changed
            let edited = try await h.relay.updateNaccsForm(update, options: broker.options)
            #expect(edited.missingItems.isEmpty)
            await expectRPCError(.aborted) { try await h.relay.updateNaccsForm(update, options: broker.options) }

            // Credentials: only the organization's administrators manage them; the password never comes back.
            var list = Cyberport_Naccs_V1_ListNaccsCredentialsRequest()
            list.parent = broker.organization
            let credentials = try await h.credentials.listNaccsCredentials(list, options: broker.options).naccsCredentials
            #expect(credentials.count == 1)
            #expect(credentials[0].password.isEmpty && credentials[0].hasPassword)
            await expectRPCError(.permissionDenied) { try await h.credentials.listNaccsCredentials(list, options: terminal.options) }
            var duplicate = Cyberport_Naccs_V1_CreateNaccsCredentialRequest()
            duplicate.parent = outsider.organization
            var credential = Cyberport_Naccs_V1_NaccsCredential()
            credential.displayName = "copy"
            credential.userCode = RelayHarness.brokerUser.0
            credential.identificationNumber = RelayHarness.brokerUser.1
            credential.password = "whatever"
            duplicate.naccsCredential = credential
            await expectRPCError(.alreadyExists) { try await h.credentials.createNaccsCredential(duplicate, options: outsider.options) }
            credential.userCode = "BAD"
            duplicate.naccsCredential = credential
            await expectRPCError(.invalidArgument, field: "naccs_credential.user_code") {
                try await h.credentials.createNaccsCredential(duplicate, options: outsider.options)
            }

            // Only the Naccs service may write naccs.* paths in Deals.
            var record = Cyberport_Deals_V1_RecordNaccsInformationRequest()
            record.name = "\(deal.name)/rootDocument"
            record.organization = broker.organization
            record.businessCode = "EDA"
            await expectRPCError(.permissionDenied) { try await h.forms.recordNaccsInformation(record, options: broker.options) }
        }
    }

    @Test("busy answers and dropped connections are retried or reconciled; every send ends once", arguments: TestBackend.available)
    func transientFaults(backend: TestBackend) async throws {
        try await withRelay(backend, simulator: { configuration in
            configuration.busyRate = 0.3
            configuration.dropRate = 0.3
            configuration.dropPoint = .either
            configuration.seed = 20_240_115
        }) { h in
            let carrier = try await h.party("oceanShipping", naccs: RelayHarness.carrierUser)
            let deal = try await h.deal(.export, owner: carrier, others: [])
            var sends: [Cyberport_Naccs_V1_NaccsSend] = []
            for index in 0..<12 {
                let form = try await h.form(deal, "BKR", Self.booking("BKFAULT\(index)"), customID: "b\(index)", by: carrier)
                sends.append(try await h.send(form, by: carrier))
            }
            var attempts = 0
            for send in sends {
                let done = try await h.completed(send, by: carrier)
                #expect(done.state == .accepted, "\(done.name): \(done.resultCodes.map(\.code)) \(done.error)")
                attempts += Int(done.attempts)
            }
            let statistics = await h.simulator.statistics()
            #expect(statistics.busyInjected + statistics.dropsInjected > 0, "the faults were exercised")
            #expect(attempts > sends.count, "some sends needed more than one transmission")
            #expect(statistics.processed == sends.count, "each booking registered exactly once")
        }
    }

    @Test("a permanent error is a result the company sees", arguments: TestBackend.available)
    func permanentError(backend: TestBackend) async throws {
        try await withRelay(backend) { h in
            let terminal = try await h.party("terminalOperator", naccs: RelayHarness.terminalUser)
            let deal = try await h.deal(.export, owner: terminal, others: [])
            // A CY carry-in dated more than a year ago: NACCS refuses the date item (S-class).
            let form = try await h.form(
                deal, "CYA",
                ["CNO": [RelayHarness.container("TGH", 111_111)], "DTM": [RelayHarness.japanDate(addingDays: -400)], "EFG": ["5"],
                 "CYC": ["3HTK1"]], by: terminal)
            let done = try await h.completed(try await h.send(form, by: terminal), by: terminal)
            #expect(done.state == .rejected)
            #expect(done.attempts == 1)
            let code = try #require(done.resultCodes.first)
            #expect(code.resultClass == "S" && code.item == "DTM")
            let notice = try await h.output(try #require(done.outputs.first), by: terminal)
            #expect(notice.resultCodes.first?.errorCode == code.errorCode)
        }
    }
}
