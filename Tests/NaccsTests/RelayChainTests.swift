import CyberPortTestSupport
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The export and import chains end to end through the relay: forms saved on a deal, sent with the parties' NACCS
/// credentials to the in-process simulator, outputs fetched as EDI and JSON, NaccsReceive webhooks received, and the
/// numbers NACCS issued visible on the deal.
@Suite("NACCS relay chains", .serialized)
struct RelayChainTests {
    @Test("export: BKR → ECR → VAN → CYA → EDA → EDC → permit", arguments: TestBackend.available)
    func exportChain(backend: TestBackend) async throws {
        try await withRelay(backend) { h in
            let receiver = try await WebhookReceiver.start()
            let carrier = try await h.party("oceanShipping", naccs: RelayHarness.carrierUser)
            let forwarder = try await h.party("forwarder", naccs: RelayHarness.forwarderUser)
            let terminal = try await h.party("terminalOperator", naccs: RelayHarness.terminalUser)
            let broker = try await h.party("customsBroker", naccs: RelayHarness.brokerUser)
            try await h.webhookTarget(for: broker, url: receiver.url())
            let deal = try await h.deal(.export, owner: forwarder, others: [carrier, terminal, broker])
            let container = RelayHarness.container("TGH", 123_456)

            _ = try await h.accepted(
                deal, "BKR",
                ["BKN": ["BK2024001"], "SCC": ["ONEY"], "VSN": ["JXYZ"], "VSL": ["CYBER PORT MARU"], "VOY": ["001E"],
                 "POL": ["JPTYO"], "POD": ["USLAX"], "RST": ["22G1"], "RQT": ["1"]], by: carrier)
            let ecr = try await h.accepted(
                deal, "ECR",
                ["BKN": ["BK2024001"], "SHN": ["EXPORTER CO LTD"], "CMD": ["MACHINE PARTS"], "PKN": ["10"], "PKT": ["CT"],
                 "GWT": ["1234.5"], "GWU": ["KGM"]], by: forwarder)
            let notice = try await h.output(try #require(ecr.outputs.first), by: forwarder)
            #expect(notice.kind == .resultNotice)
            #expect(notice.outputInformationCode == "*SECR")
            #expect(notice.edi.hasPrefix("   ECR  *SECR"), "raw EDI: the 398-byte output common header")
            let ecn = try #require(try h.items(notice)["exportControlNo"] as? String)
            #expect(try await h.information(deal, code: "ECR", by: forwarder)["naccs.exportControlNumber"] == ecn)

            _ = try await h.accepted(deal, "VAN", ["CNO": [container], "SNO": ["SEAL001"], "ECN": [ecn]], by: forwarder)
            _ = try await h.accepted(
                deal, "CYA",
                ["CNO": [container], "DTM": [RelayHarness.japanDate()], "TIM": ["0930"], "EFG": ["5"], "CYC": ["3HTK1"],
                 "VSN": ["JXYZ"], "VOY": ["001E"]], by: terminal)
            let eda = try await h.accepted(
                deal, "EDA",
                ["ECN": [ecn], "DKN": ["EX"], "CSO": ["1AW1"], "EXC": ["JP1234567890"], "EXN": ["EXPORTER CO LTD"],
                 "CGN": ["US BUYER INC"], "PKN": ["10"], "PKT": ["CT"], "GWT": ["1234.5"], "GWU": ["KGM"], "POL": ["JPTYO"],
                 "DST": ["USLAX"], "HSC": ["847330000"], "DSC": ["MACHINE PARTS"], "VAL": ["1500000"]], by: broker)
            #expect(eda.outputs.count == 2, "EDA (register and call) answers with a result notice and a screen")
            let edaNotice = try await h.output(eda.outputs[0], format: .json, by: broker)
            #expect(edaNotice.edi.isEmpty)
            let declaration = try #require(try h.items(edaNotice)["declarationNo"] as? String)
            #expect(declaration.count == 11)

            let edc = try await h.accepted(deal, "EDC", ["DNO": [declaration]], by: broker)
            // The permit notice arrives later in the broker's mailbox; the relay fetches it and adds it to the send.
            let permitName = try await eventually { () -> String? in
                let current = try await h.getSend(edc.name, by: broker)
                return current.outputs.count > edc.outputs.count ? current.outputs.last : nil
            }
            let permit = try await h.output(permitName, by: broker)
            #expect(permit.kind == .report)
            #expect(permit.outputInformationCode == "SEX2010")
            #expect(try h.items(permit)["declarationNo"] as? String == declaration)

            // The numbers NACCS issued, on the deal (written back through Deals) and through the relay.
            let root = try await eventually { () -> [String: String]? in
                let root = try await h.root(deal, by: forwarder)
                return root["naccs.exportPermitStatus"] == "PERMITTED" ? root : nil
            }
            #expect(root["naccs.exportControlNumber"] == ecn)
            #expect(root["naccs.exportDeclarationNumber"] == declaration)
            #expect(root["naccs.exportPermitDate"]?.count == 10)
            let information = try await h.information(deal, by: broker)
            #expect(information["naccs.exportDeclarationNumber"] == declaration)
            #expect(information["naccs.exportPermitStatus"] == "PERMITTED")
            let terminalView = try await h.information(deal, by: terminal)
            #expect(terminalView["naccs.exportDeclarationNumber"] == nil, "each party sees the codes it may work with")

            // NaccsReceive webhooks told the broker the keys of its outputs: EDA (2), EDC (1) and the permit.
            let keys = try await eventually { () -> Set<String>? in
                let keys = Set(receiver.acknowledgedRequests.compactMap { request -> String? in
                    let body = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any]
                    let data = body?["data"] as? [String: Any]
                    guard data?["operationType"] as? String == "NaccsReceive" else { return nil }
                    return data?["key"] as? String
                })
                return keys.count >= 4 ? keys : nil
            }
            #expect(keys.contains(permitName))
            #expect(keys.isSuperset(of: eda.outputs))
            await receiver.stop()

            // Outputs by deal and business code.
            var list = Cyberport_Naccs_V1_ListNaccsOutputsRequest()
            list.parent = deal.name
            list.businessCode = "EDC"
            let edcOutputs = try await h.relay.listNaccsOutputs(list, options: broker.options).naccsOutputs
            #expect(edcOutputs.map(\.name) == [edc.outputs[0], permitName])
        }
    }

    @Test("import: IDA → IDC → permit → DOR", arguments: TestBackend.available)
    func importChain(backend: TestBackend) async throws {
        try await withRelay(backend) { h in
            let broker = try await h.party("customsBroker", naccs: RelayHarness.brokerUser)
            let carrier = try await h.party("shippingAgent", naccs: RelayHarness.carrierUser)
            let consignee = try await h.party("shipperOrConsignee")
            let deal = try await h.deal(.import, owner: consignee, others: [broker, carrier], bl: "BL2024IMP01")
            let container = RelayHarness.container("MSK", 765_432)
            let ida = try await h.accepted(
                deal, "IDA",
                ["BLN": ["BL2024IMP01"], "DKN": ["IC"], "CSO": ["1AW1"], "IMC": ["JP9876543210"], "IMN": ["IMPORTER KK"],
                 "POD": ["JPTYO"], "PKN": ["5"], "PKT": ["PK"], "GWT": ["800"], "GWU": ["KGM"], "HSC": ["940360000"],
                 "DSC": ["WOODEN FURNITURE"]], by: broker)
            let declaration = try #require(try h.items(try await h.output(ida.outputs[0], by: broker))["declarationNo"] as? String)

            // DOR before the permit: NACCS refuses it (E0004 on BLN), a result the carrier sees.
            let early = try await h.form(deal, "DOR", ["BLN": ["BL2024IMP01"], "CNO": [container]], customID: "early", by: carrier)
            let refused = try await h.completed(try await h.send(early, by: carrier), by: carrier)
            #expect(refused.state == .rejected)
            #expect(refused.resultCodes.map(\.code) == ["E0004-BLN -0000"])
            #expect(refused.resultCodes.first?.resultClass == "E")

            let idc = try await h.accepted(deal, "IDC", ["DNO": [declaration]], by: broker)
            _ = try await eventually { () -> Bool? in
                try await h.getSend(idc.name, by: broker).outputs.count > idc.outputs.count ? true : nil
            }
            _ = try await h.accepted(deal, "DOR", ["BLN": ["BL2024IMP01"], "DNO": [declaration], "CNO": [container]], by: carrier)
            let root = try await eventually { () -> [String: String]? in
                let root = try await h.root(deal, by: consignee)
                return root["naccs.deliveryOrderStatus"] == "REGISTERED" ? root : nil
            }
            #expect(root["naccs.importDeclarationNumber"] == declaration)
            #expect(root["naccs.importPermitStatus"] == "PERMITTED")

            // The timeline records who the numbers were issued for.
            var timeline = Cyberport_Deals_V1_ListTimelineEntriesRequest()
            timeline.parent = deal.name
            timeline.pageSize = 200
            let entries = try await Cyberport_Deals_V1_TimelineServiceClient(h.dealsClient)
                .listTimelineEntries(timeline, options: consignee.options).timelineEntries
            let recorded = entries.filter { $0.kind == .naccsInformationRecorded }
            #expect(recorded.contains { $0.actorOrganization == broker.organization && $0.actor == "services/naccs" })
            #expect(recorded.contains { $0.actorOrganization == carrier.organization })
        }
    }
}
