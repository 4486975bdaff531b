import CyberPortTestSupport
import DealsKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The trade flows end to end through the real client: an export deal (booking request → booking confirmation → S/I
/// → container data → carry-in slips → B/L) and an import deal (arrival notice → delivery order), each participant
/// seeing exactly what the permission matrix gives its business type and shared data flowing between forms.
///
/// Who does what follows permissions.tsv: the shipper (shipperOrConsignee) and its forwarder hold RW on UL010, UL040,
/// UL090 and UL140; the carrier (oceanShipping) on UL050, UL150, UL290 and UL300; the trucker (roadTransport) on UL090
/// and reads UL050, UL290, UL300; the customs broker reads UL040, UL150, UL290 and UL300.
@Suite(.timeLimit(.minutes(5)))
struct ExportScenarioTests {
    static let containers = ["MSCU1234566", "TGHU1111114"]

    @Test(arguments: TestBackend.available)
    func exportDeal(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let (first, second) = (Self.containers[0], Self.containers[1])

            // 1. The shipper's booking request goes to its forwarder and the carrier.
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            try await h.updateForm(
                request, values: FormWorld.bookingRequest.merging(["forwarderName": "Port Forwarding KK"]) { $1 },
                groups: FormWorld.containerRequests, by: w.shipper)
            let sentRequest = try await h.send(request.name, by: w.shipper)
            #expect(Set(sentRequest.recipients) == [w.forwarder.organization, w.carrier.organization])
            try await h.markRead(request.name, by: w.carrier)

            // 2. The carrier confirms the booking: the request's values are already there; it adds vessel and cut-off.
            let confirmation = try await h.createForm(w.deal, "UL050", by: w.carrier)
            #expect(confirmation["portOfDischargeCode"] == "USLAX")
            #expect(confirmation.rows("containerRequests") == [["sizeType": "22G1", "numberOfContainers": "2"]])
            try await h.updateForm(
                confirmation,
                values: FormWorld.bookingConfirmation.merging(["containerDeliveryPlaceName": "Oi Terminal"]) { $1 },
                by: w.carrier)
            let sentConfirmation = try await h.send(confirmation.name, by: w.carrier)
            #expect(Set(sentConfirmation.recipients) == [w.shipper.organization, w.forwarder.organization, w.trucker.organization])
            #expect(try await h.getForm(confirmation.name, by: w.trucker)["vesselName"] == "ONE HARMONY")

            // 3. The forwarder's S/I shows the confirmed vessel (locked by UL050) and adds consignee and cargo.
            let instruction = try await h.createForm(w.deal, "UL040", by: w.forwarder)
            #expect(instruction["vesselName"] == "ONE HARMONY")
            #expect(instruction["bookingNo"] == "BK123456")
            #expect(instruction.lockedFields.contains { $0.field == "vesselName" && $0.lockedByForm == confirmation.name })
            try await h.updateForm(
                instruction, values: ["consigneeName": "US Buyer Inc.", "blType": "ORIGINAL"], groups: FormWorld.cargoLines,
                by: w.forwarder)
            let sentInstruction = try await h.send(instruction.name, by: w.forwarder)
            #expect(Set(sentInstruction.recipients) == [w.shipper.organization, w.carrier.organization, w.broker.organization])
            #expect(try await h.getForm(instruction.name, by: w.broker).rows("cargoLines").first?["hsCode"] == "848340000")
            await expectRPCError(.permissionDenied) { try await h.getForm(instruction.name, by: w.trucker) }

            // 4. Container data: the forwarder's load plans (one per container) fill the container rows.
            for (container, seal) in [(first, "SL001"), (second, "SL002")] {
                let plan = try await h.createForm(w.deal, "UL140", key: container, by: w.forwarder)
                #expect(plan["vesselName"] == "ONE HARMONY")
                #expect(plan.rows("stowedCargo").first?["description"] == "Machine parts")
                try await h.updateForm(
                    plan,
                    values: [
                        "sizeType": "22G1", "sealNo": seal, "cargoGrossWeight": "10200", "cargoGrossWeightUnit": "KGM",
                        "verifiedGrossMass": "12400", "verifiedGrossMassUnit": "KGM", "dangerousGoods": "false",
                    ], by: w.forwarder)
            }

            // 5. The trucker's carry-in slips show the container data and the booking; it adds the delivery.
            for container in Self.containers {
                let slip = try await h.createForm(w.deal, "UL090", key: container, by: w.trucker)
                #expect(slip["sealNo"] == (container == first ? "SL001" : "SL002"))
                #expect(slip["cargoWeight"] == "10200")
                #expect(slip["containerDeliveryPlaceName"] == "Oi Terminal")
                #expect(slip["forwarderName"] == "Port Forwarding KK")
                try await h.updateForm(
                    slip, values: ["containerDeliveryDate": "2026-11-18", "containerDeliveryTime": "0930", "commodity": "Machine parts"],
                    by: w.trucker)
                let sentSlip = try await h.send(slip.name, by: w.trucker)
                #expect(Set(sentSlip.recipients) == [w.shipper.organization, w.forwarder.organization, w.carrier.organization])
            }

            // 6. The carrier's B/L: containers and cargo are there; it adds the B/L's own data and sends it.
            let bl = try await h.createForm(w.deal, "UL150", by: w.carrier)
            #expect(bl.rows("containers").map { $0["containerNo"] } == [first, second])
            #expect(bl.rows("containers").first?["sealNo"] == "SL001")
            #expect(bl["consigneeName"] == "US Buyer Inc.")
            try await h.updateForm(
                bl,
                values: [
                    "blNo": "ONEYTYO000001", "issuedAt": "Tokyo", "issueDate": "2026-11-21", "ladenOnBoardDate": "2026-11-21",
                    "numberOfBl": "3",
                ], by: w.carrier)
            let sentBL = try await h.send(bl.name, by: w.carrier)
            #expect(Set(sentBL.recipients) == [w.shipper.organization, w.forwarder.organization, w.broker.organization])
            // The B/L now locks the container rows: the trucker's slip can no longer change a seal.
            let lockedSlip = try await h.getForm(w.form("UL090~\(first)"), by: w.trucker)
            #expect(lockedSlip.lockedFields.contains { $0.field == "sealNo" && $0.lockedByForm == bl.name })
            await expectRPCError(.failedPrecondition, field: "sealNo", reason: "FIELD_LOCKED") {
                try await h.updateForm(lockedSlip, values: ["sealNo": "SL999"], by: w.trucker)
            }

            // Each participant sees exactly what the matrix allows (drafts only with ReadWrite).
            let all = ["UL010", "UL040", "UL050", "UL090~\(first)", "UL090~\(second)", "UL140~\(first)", "UL140~\(second)", "UL150"]
            #expect(try await h.allFormIDs(w.deal, by: w.shipper) == all)
            #expect(try await h.allFormIDs(w.deal, by: w.forwarder) == all)
            #expect(
                try await h.allFormIDs(w.deal, by: w.carrier)
                    == ["UL010", "UL040", "UL050", "UL090~\(first)", "UL090~\(second)", "UL150"])
            #expect(try await h.allFormIDs(w.deal, by: w.trucker) == ["UL050", "UL090~\(first)", "UL090~\(second)"])
            #expect(try await h.allFormIDs(w.deal, by: w.broker) == ["UL040", "UL150"])
            await expectRPCError(.permissionDenied) { try await h.allFormIDs(w.deal, by: w.stranger) }
            let brokerRoot = try await h.rootDocument(w.deal, by: w.broker)
            #expect(brokerRoot.value("billOfLading.number") == "ONEYTYO000001")
            // The delivery place is only on forms the broker may not read (UL010, UL050, UL060, UL090, UL190).
            #expect(!brokerRoot.paths.contains("deal.containerDeliveryPlaceName"))
            let forwarderRoot = try await h.rootDocument(w.deal, by: w.forwarder)
            #expect(forwarderRoot.value("deal.containerDeliveryPlaceName") == "Oi Terminal")
            #expect(forwarderRoot.rows("containers[]").first?["containerVerifiedGrossMass"] == "12400")
            let receipts = try await h.receipts(request.name, by: w.shipper)
            #expect(receipts.readReceipts.map(\.organization) == [w.carrier.organization])
            let kinds = try await h.timeline(w.deal).map(\.kind)
            #expect(kinds.filter { $0 == "FORM_SENT" }.count == 6)
            #expect(kinds.filter { $0 == "FORM_CREATED" }.count == 8)
        }
    }

    @Test(arguments: TestBackend.available)
    func importDeal(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h, direction: .import)
            let container = Self.containers[0]
            // The carrier's arrival notice reaches everyone who reads UL290.
            let notice = try await h.createForm(w.deal, "UL290", by: w.carrier)
            try await h.updateForm(
                notice,
                values: [
                    "blNo": "ONEYSHA000777", "oceanCarrierName": "Ocean Network Express", "consigneeName": "Nippon Import KK",
                    "vesselName": "ONE PROSPERITY", "voyageNo": "034W", "portOfLoading": "Shanghai",
                    "portOfLoadingCode": "CNSHA", "portOfDischarge": "Tokyo", "portOfDischargeCode": "JPTYO",
                    "etaPod": "2026-12-02", "commodity": "Furniture", "containerTerminalOperator": "Oi Terminal",
                    "amountJpy": "120000", "currency": "USD", "amountForeign": "812.345",
                ],
                groups: ["containers": [["containerNo": container, "sizeType": "42G1", "sealNo": "CN123"]]], by: w.carrier)
            let sentNotice = try await h.send(notice.name, by: w.carrier)
            #expect(
                Set(sentNotice.recipients)
                    == [w.shipper.organization, w.forwarder.organization, w.trucker.organization, w.broker.organization])
            let read = try await h.getForm(notice.name, by: w.shipper)
            #expect(read.callerPermission == .read)
            #expect(read["amountForeign"] == "812.345")
            try await h.markRead(notice.name, by: w.shipper)

            // The consignee's import instruction shows the notice's data, locked by it.
            let importInstruction = try await h.createForm(w.deal, "UL270", by: w.shipper)
            #expect(importInstruction["vesselName"] == "ONE PROSPERITY")
            await expectRPCError(.failedPrecondition, field: "vesselName", reason: "FIELD_LOCKED") {
                try await h.updateForm(importInstruction, values: ["vesselName": "OTHER"], by: w.shipper)
            }

            // The carrier's delivery order carries the notice's B/L, vessel and containers over.
            let order = try await h.createForm(w.deal, "UL300", by: w.carrier)
            #expect(order["blNo"] == "ONEYSHA000777")
            #expect(order["containerTerminalOperator"] == "Oi Terminal")
            #expect(order.rows("containers") == [["containerNo": container, "sizeType": "42G1", "sealNo": "CN123"]])
            try await h.updateForm(order, values: ["deliveryOrderNo": "DO-0001", "issueDate": "2026-12-03"], by: w.carrier)
            let sentOrder = try await h.send(order.name, by: w.carrier)
            #expect(sentOrder.recipients.contains(w.trucker.organization))
            #expect(try await h.getForm(order.name, by: w.trucker).rows("containers").first?["containerNo"] == container)
            #expect(try await h.getForm(order.name, by: w.broker)["deliveryOrderNo"] == "DO-0001")
            #expect(try await h.allFormIDs(w.deal, by: w.trucker) == ["UL290", "UL300"])
            #expect(try await h.allFormIDs(w.deal, by: w.shipper) == ["UL270", "UL290", "UL300"])
            // Export-only forms do not exist in an import deal.
            await expectRPCError(.invalidArgument, field: "form_code") { try await h.createForm(w.deal, "UL010", by: w.shipper) }
        }
    }
}
