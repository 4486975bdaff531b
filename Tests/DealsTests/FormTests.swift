import CyberPortTestSupport
import DealsKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// Forms and the root document through the real client on every storage backend: creation, shared data, bindings,
/// etags and the timeline.
@Suite(.timeLimit(.minutes(5)))
struct FormTests {
    @Test(arguments: TestBackend.available)
    func createIsIdempotentAndPrefilled(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let bookingRequest = try await h.createForm(w.deal, "UL010", by: w.shipper)
            #expect(bookingRequest.name == w.form("UL010"))
            #expect(bookingRequest.state == .draft)
            #expect(bookingRequest.creatorOrganization == w.shipper.organization)
            #expect(bookingRequest.callerPermission == .readWrite)
            #expect(bookingRequest.data?.values.isEmpty ?? true)
            try await h.updateForm(
                bookingRequest, values: ["vesselName": "ONE HARMONY", "etd": "20261121", "shipperReference": "PO-77"],
                by: w.shipper)

            // A new form shows the shared values at once; its own fields start empty.
            let instruction = try await h.createForm(w.deal, "UL040", by: w.forwarder)
            #expect(instruction["vesselName"] == "ONE HARMONY")
            #expect(instruction["etd"] == "2026-11-21")
            #expect(instruction["shipperReference"] == "")
            // Creating it again returns it as it is.
            let again = try await h.createForm(w.deal, "UL040", by: w.shipper)
            #expect(again.name == instruction.name)
            #expect(again.etag == instruction.etag)
            #expect(again.creatorOrganization == w.forwarder.organization)
            let created = try await h.timeline(w.deal, formID: "UL040")
            #expect(created.map(\.kind) == ["FORM_CREATED"])
            #expect(created.first?.changes.contains(.init(field: "vesselName", old: "", new: "ONE HARMONY")) == true)
            #expect(created.first?.actorOrganization == w.forwarder.organization)

            // Unit keys: per-container forms need a valid container number (normalised), per-B/L forms none.
            let slip = try await h.createForm(w.deal, "UL090", key: "mscu 123456-6", by: w.shipper)
            #expect(slip.name == w.form("UL090~MSCU1234566"))
            #expect(slip.unitKey == "MSCU1234566")
            #expect(slip["containerNo"] == "MSCU1234566")
            await expectRPCError(.invalidArgument, field: "unit_key", reason: "ISO6346_CHECK_DIGIT") {
                try await h.createForm(w.deal, "UL090", key: "MSCU1234567", by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "unit_key") { try await h.createForm(w.deal, "UL090", by: w.shipper) }
            await expectRPCError(.invalidArgument, field: "unit_key") {
                try await h.createForm(w.deal, "UL010", key: "X", by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "unit_key") {
                try await h.createForm(w.deal, "UL070", key: "batch 2", by: w.shipper)
            }
            let haulage = try await h.createForm(w.deal, "UL070", key: "batch-2", by: w.shipper)
            #expect(haulage.name == w.form("UL070~batch-2"))
            // Codes: known, and used in the deal's direction.
            await expectRPCError(.invalidArgument, field: "form_code") { try await h.createForm(w.deal, "UL999", by: w.shipper) }
            await expectRPCError(.invalidArgument, field: "form_code", reason: "WRONG_DIRECTION") {
                try await h.createForm(w.deal, "UL290", by: w.carrier)
            }
            await expectRPCError(.invalidArgument, field: "name") { try await h.getForm("\(w.deal.name)/forms/UL090", by: w.shipper) }
        }
    }

    @Test(arguments: TestBackend.available)
    func sharedDataFlowsAndEtagsFollowIt(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let bookingRequest = try await h.createForm(w.deal, "UL010", by: w.shipper)
            let instruction = try await h.createForm(w.deal, "UL040", by: w.shipper)
            let invoice = try await h.createForm(w.deal, "UL100", by: w.shipper)
            let bl = try await h.createForm(w.deal, "UL150", by: w.carrier)

            let written = try await h.updateForm(
                bookingRequest, values: ["vesselName": "ONE HARMONY", "voyageNo": "012E"], by: w.shipper)
            #expect(written["vesselName"] == "ONE HARMONY")
            #expect(written.etag != bookingRequest.etag)
            #expect(try await h.getForm(instruction.name, by: w.shipper)["vesselName"] == "ONE HARMONY")
            #expect(try await h.getForm(bl.name, by: w.carrier)["voyageNo"] == "012E")

            // The write through UL010 made UL040's etag stale; a write to an unrelated field of UL100 does not touch it.
            let staleInstruction = instruction
            await expectRPCError(.aborted, reason: "STALE_ETAG") {
                try await h.updateForm(staleInstruction, values: ["consigneeName": "US Buyer Inc."], by: w.shipper)
            }
            let fresh = try await h.getForm(instruction.name, by: w.shipper)
            try await h.write(invoice.name, values: ["invoiceNo": "INV-1"], by: w.shipper)
            #expect(try await h.getForm(instruction.name, by: w.shipper).etag == fresh.etag)
            // A stale etag on the form itself, too.
            try await h.updateForm(fresh, values: ["blRemarks": "one"], by: w.shipper)
            await expectRPCError(.aborted) { try await h.updateForm(fresh, values: ["blRemarks": "two"], by: w.shipper) }
            await expectRPCError(.invalidArgument, field: "form.etag") {
                var unversioned = fresh
                unversioned.etag = ""
                return try await h.updateForm(unversioned, values: ["blRemarks": "two"], by: w.shipper)
            }

            // The root document holds the shared values once.
            let root = try await h.rootDocument(w.deal, by: w.shipper)
            #expect(root.name == "\(w.deal.name)/rootDocument")
            #expect(root.value("seaWay.vesselName") == "ONE HARMONY")
            #expect(root.paths == root.paths.sorted())
            #expect(!root.paths.contains { $0.contains("invoiceNo") })

            // Clearing a shared field clears it everywhere.
            try await h.write(bl.name, values: ["vesselName": ""], by: w.carrier)
            #expect(try await h.getForm(bookingRequest.name, by: w.shipper)["vesselName"] == "")
            #expect(try await h.rootDocument(w.deal, by: w.shipper).value("seaWay.vesselName") == "")

            // The timeline records the field-level diff of every change.
            let updates = try await h.timeline(w.deal).filter { $0.kind == "FORM_UPDATED" }
            #expect(updates.first?.formID == "UL010")
            #expect(updates.first?.fields == ["vesselName", "voyageNo"])
            #expect(updates.last?.changes == [.init(field: "vesselName", old: "ONE HARMONY", new: "")])
        }
    }

    @Test(arguments: TestBackend.available)
    func containerRowsAreKeyedByNumber(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let first = "MSCU1234566"
            let second = "TGHU1111114"
            // A per-container slip writes its own container's row.
            let slip = try await h.createForm(w.deal, "UL090", key: first, by: w.shipper)
            try await h.updateForm(
                slip, values: ["sealNo": "sl1 sl2", "verifiedGrossMass": "24500", "sizeType": "22G1", "containerNo": first],
                by: w.shipper)
            let haulage = try await h.createForm(w.deal, "UL070", key: "batch-1", by: w.shipper)
            #expect(haulage.rows("containers") == [["containerNo": first, "sizeType": "22G1", "sealNo": "SL1,SL2"]])

            // A keyed group: rows merge by container number and keep the items the form does not carry.
            try await h.updateForm(
                haulage,
                groups: ["containers": [["containerNo": second, "sizeType": "42G1"], ["containerNo": first, "sizeType": "45G1", "sealNo": "S9"]]],
                by: w.shipper)
            let reread = try await h.getForm(slip.name, by: w.shipper)
            #expect(reread["sizeType"] == "45G1")
            #expect(reread["sealNo"] == "S9")
            #expect(reread["verifiedGrossMass"] == "24500")
            let root = try await h.rootDocument(w.deal, by: w.shipper)
            #expect(root.rows("containers[]").map { $0["containerNo"] } == [second, first])
            #expect(root.rows("containers[]").last?["containerVerifiedGrossMass"] == "24500")
            let diff = try await h.timeline(w.deal, formID: "UL070~batch-1").last
            #expect(diff?.fields.contains("containers[0].containerNo") == true)
            #expect(diff?.fields.contains("containers[1].sealNo") == true)

            // Rows absent from an update are removed; the slip then shows its container number only.
            try await h.write(haulage.name, groups: ["containers": [["containerNo": second, "sizeType": "42G1"]]], by: w.shipper)
            let emptied = try await h.getForm(slip.name, by: w.shipper)
            #expect(emptied.data?.values == ["containerNo": first])
            // A per-container form cannot write another container's number; rows need their key, once.
            await expectRPCError(.invalidArgument, field: "form.data.values[containerNo]", reason: "UNIT_KEY") {
                try await h.updateForm(emptied, values: ["containerNo": second], by: w.shipper)
            }
            let current = try await h.getForm(haulage.name, by: w.shipper)
            await expectRPCError(.invalidArgument, field: "form.data.groups[containers].rows[1].values[containerNo]", reason: "REQUIRED_KEY") {
                try await h.updateForm(current, groups: ["containers": [["containerNo": second], ["sizeType": "22G1"]]], by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "form.data.groups[containers].rows[1].values[containerNo]", reason: "DUPLICATE_KEY") {
                try await h.updateForm(current, groups: ["containers": [["containerNo": second], ["containerNo": second]]], by: w.shipper)
            }

            // An EIR binds the row of the container written in it.
            let eir = try await h.createForm(w.deal, "UL080", key: "EIR-0001", by: w.trucker)
            await expectRPCError(.invalidArgument, field: "form.data.values[sealNo]", reason: "CONTAINER_NO_REQUIRED") {
                try await h.updateForm(eir, values: ["sealNo": "X1"], by: w.trucker)
            }
            let filled = try await h.updateForm(eir, values: ["containerNo": second, "sealNo": "X1"], by: w.trucker)
            #expect(filled["sizeType"] == "42G1")
            #expect(try await h.rootDocument(w.deal, by: w.shipper).rows("containers[]").first?["sealNo"] == "X1")
        }
    }

    @Test(arguments: TestBackend.available)
    func positionalGroupsKeepWhatAFormDoesNotCarry(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let invoice = try await h.createForm(w.deal, "UL100", by: w.shipper)
            let line: [String: String] = [
                "description": "Gear", "numberOfPackages": "10", "packageType": "CT", "grossWeight": "100.5",
                "grossWeightUnit": "KGM",
            ]
            try await h.updateForm(
                invoice,
                groups: ["cargoLines": [line.merging(["quantity": "5", "unitPrice": "12.5", "amount": "62.5"]) { $1 }, line]],
                by: w.shipper)
            let instruction = try await h.createForm(w.deal, "UL040", by: w.shipper)
            #expect(instruction.rows("cargoLines").count == 2)
            #expect(instruction.rows("cargoLines").first?["unitPrice"] == nil)
            // UL040 rewrites row 0 and drops row 1: row 0 keeps the quantity (not on the S/I) and the invoice's own
            // unit price.
            try await h.updateForm(
                instruction, groups: ["cargoLines": [line.merging(["description": "Gear, boxed"]) { $1 }]], by: w.shipper)
            let rows = try await h.getForm(invoice.name, by: w.shipper).rows("cargoLines")
            #expect(rows.count == 1)
            #expect(rows.first?["description"] == "Gear, boxed")
            #expect(rows.first?["quantity"] == "5")
            #expect(rows.first?["unitPrice"] == "12.5")
        }
    }

    @Test(arguments: TestBackend.available)
    func valuesAreValidatedNamingFormFieldAndRule(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let slip = try await h.createForm(w.deal, "UL090", key: "CSQU3054383", by: w.shipper)
            func rejects(
                _ form: Cyberport_Deals_V1_Form, _ values: [String: String] = [:], groups: [String: [[String: String]]] = [:],
                field: String, rule: String, sourceLocation: SourceLocation = #_sourceLocation
            ) async {
                let error = await expectRPCError(.invalidArgument, field: field, reason: rule, sourceLocation: sourceLocation) {
                    try await h.updateForm(form, values: values, groups: groups, by: w.shipper)
                }
                #expect(error?.message.contains(form.formCode) == true, sourceLocation: sourceLocation)
                #expect(error?.message.contains(rule) == true, sourceLocation: sourceLocation)
            }
            await rejects(slip, ["cargoWeight": "12345678901.5"], field: "form.data.values[cargoWeight]", rule: "NUMBER_PRECISION")
            await rejects(slip, ["cargoWeight": "1.1234"], field: "form.data.values[cargoWeight]", rule: "NUMBER_SCALE")
            await rejects(slip, ["containerDeliveryDate": "2026-02-30"], field: "form.data.values[containerDeliveryDate]", rule: "DATE_CALENDAR")
            await rejects(slip, ["containerDeliveryTime": "2460"], field: "form.data.values[containerDeliveryTime]", rule: "TIME_RANGE")
            await rejects(slip, ["sealNo": "S1,S2,S3,S4,S5,S6,S7"], field: "form.data.values[sealNo]", rule: "SEAL_COUNT")
            await rejects(slip, ["vesselImoNo": "IMO9321484"], field: "form.data.values[vesselImoNo]", rule: "IMO_CHECK_DIGIT")
            await rejects(slip, ["portOfLoadingCode": "JPTYOX"], field: "form.data.values[portOfLoadingCode]", rule: "UNLOCODE_LENGTH")
            await rejects(slip, ["cargoWeightUnit": "STONE"], field: "form.data.values[cargoWeightUnit]", rule: "CODE_LIST")
            await rejects(slip, ["vesselName": String(repeating: "V", count: 36)], field: "form.data.values[vesselName]", rule: "TEXT_LENGTH")
            await rejects(slip, ["dangerousGoods": "maybe"], field: "form.data.values[dangerousGoods]", rule: "BOOLEAN")
            let haulage = try await h.createForm(w.deal, "UL070", key: "b1", by: w.shipper)
            let error = await expectRPCError(
                .invalidArgument, field: "form.data.groups[containers].rows[0].values[containerNo]", reason: "ISO6346_CHECK_DIGIT"
            ) {
                try await h.updateForm(haulage, groups: ["containers": [["containerNo": "MSCU1234567"]]], by: w.shipper)
            }
            #expect(error?.message.contains("UL070 containers[0].containerNo: ISO6346_CHECK_DIGIT") == true)
            let instruction = try await h.createForm(w.deal, "UL040", by: w.shipper)
            await rejects(
                instruction, groups: ["cargoLines": [["description": "x"], ["hsCode": "84713"]]],
                field: "form.data.groups[cargoLines].rows[1].values[hsCode]", rule: "HS_LENGTH")
            let dgBooking = try await h.createForm(w.deal, "UL020", by: w.shipper)
            await rejects(
                dgBooking, groups: ["containerRequests": [["unNo": "UN99999"]]],
                field: "form.data.groups[containerRequests].rows[0].values[unNo]", rule: "UN_NUMBER_FORMAT")
            await rejects(
                dgBooking, groups: ["containerRequests": [["imdgClass": "10"]]],
                field: "form.data.groups[containerRequests].rows[0].values[imdgClass]", rule: "IMDG_CLASS")

            // Masks sent through the proto3 JSON mapping arrive in snake_case.
            let camel = try await h.getForm(slip.name, by: w.shipper)
            let snake = try await h.updateForm(
                camel, values: ["vesselImoNo": "IMO9321483"], mask: ["vessel_imo_no"], by: w.shipper)
            #expect(snake["vesselImoNo"] == "IMO9321483")

            // Unknown names, a missing mask, too many rows.
            await expectRPCError(.invalidArgument, field: "update_mask", reason: "UNKNOWN_FIELD") {
                try await h.updateForm(slip, mask: ["bogus"], by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "form.data.values[bogus]", reason: "UNKNOWN_FIELD") {
                try await h.updateForm(slip, values: ["bogus": "1"], mask: ["sealNo"], by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "form.data.groups[containers].rows[0].values[bogus]") {
                try await h.updateForm(haulage, groups: ["containers": [["containerNo": "CSQU3054383", "bogus": "1"]]], by: w.shipper)
            }
            await expectRPCError(.invalidArgument, field: "update_mask", reason: "REQUIRED_FIELD") {
                try await h.updateForm(slip, mask: [], by: w.shipper)
            }
            await expectRPCError(.resourceExhausted, field: "form.data.groups[containerRequests]", reason: "TOO_MANY_ROWS") {
                try await h.updateForm(
                    dgBooking, groups: ["containerRequests": Array(repeating: ["sizeType": "22G1"], count: 100)], by: w.shipper)
            }

            // Valid values are stored in canonical form; six seals fit; reefer temperatures may be negative.
            let stored = try await h.updateForm(
                snake,
                values: [
                    "cargoWeight": "+0012.500", "containerDeliveryDate": "20261121", "containerDeliveryTime": "0930",
                    "sealNo": "a1, a2;a3 a4 a5 a6", "cargoWeightUnit": "kgm", "vesselImoNo": "imo 9074729",
                    "temperature": "-18.5", "dangerousGoods": "FALSE", "vesselName": "  ONE HARMONY ",
                ], by: w.shipper)
            #expect(stored["cargoWeight"] == "12.5")
            #expect(stored["containerDeliveryDate"] == "2026-11-21")
            #expect(stored["sealNo"] == "A1,A2,A3,A4,A5,A6")
            #expect(stored["cargoWeightUnit"] == "KGM")
            #expect(stored["vesselImoNo"] == "IMO9074729")
            #expect(stored["temperature"] == "-18.5")
            #expect(stored["dangerousGoods"] == "false")
            #expect(stored["vesselName"] == "ONE HARMONY")
            let dg = try await h.write(
                dgBooking.name, groups: ["containerRequests": [["unNo": "1203", "imdgClass": "3", "sizeType": "22G1"]]], by: w.shipper)
            #expect(dg.rows("containerRequests") == [["unNo": "1203", "imdgClass": "3", "sizeType": "22G1"]])
        }
    }

    @Test(arguments: TestBackend.available)
    func listFormsPaginatesVisibleForms(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            for key in ["b1", "b2", "b3"] { _ = try await h.createForm(w.deal, "UL070", key: key, by: w.shipper) }
            let bookingRequest = try await h.createForm(w.deal, "UL010", by: w.shipper)
            try await h.updateForm(bookingRequest, values: ["vesselName": "V"], by: w.shipper)
            _ = try await h.createForm(w.deal, "UL050", by: w.carrier)
            #expect(try await h.allFormIDs(w.deal, by: w.shipper) == ["UL010", "UL070~b1", "UL070~b2", "UL070~b3"])
            // Pages of two, in form-id order, BASIC by default.
            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await h.listForms(w.deal, by: w.forwarder) {
                    $0.pageSize = 2
                    $0.pageToken = token
                }
                #expect(page.forms.count <= 2)
                #expect(page.forms.allSatisfy { $0.data == nil && !$0.etag.isEmpty })
                seen += page.forms.map(\.name)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(seen == ["UL010", "UL070~b1", "UL070~b2", "UL070~b3"].map(w.form))
            let full = try await h.listForms(w.deal, by: w.shipper) {
                $0.formCode = "UL010"
                $0.view = .full
            }
            #expect(full.forms.map(\.name) == [w.form("UL010")])
            #expect(full.forms.first?["vesselName"] == "V")
            // BASIC and FULL give the etag GetForm gives.
            let basic = try await h.listForms(w.deal, by: w.shipper) { $0.formCode = "UL010" }
            #expect(basic.forms.first?.etag == full.forms.first?.etag)
            #expect(basic.forms.first?.etag == (try await h.getForm(w.form("UL010"), by: w.shipper).etag))
            await expectRPCError(.invalidArgument, field: "form_code") {
                try await h.listForms(w.deal, by: w.shipper) { $0.formCode = "XX" }
            }
            await expectRPCError(.invalidArgument, field: "page_token") {
                try await h.listForms(w.deal, by: w.shipper) { $0.pageToken = "nonsense" }
            }
            await expectRPCError(.permissionDenied) { try await h.listForms(w.deal, by: w.stranger) }
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentWritesKeepEveryChange(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            // Concurrent creations of one form: one form, one creation entry, the same answer for all.
            let names = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<4 { group.addTask { try await h.createForm(w.deal, "UL010", by: w.shipper).name } }
                var names: Set<String> = []
                for try await name in group { names.insert(name) }
                return names
            }
            #expect(names == [w.form("UL010")])
            #expect(try await h.timeline(w.deal, formID: "UL010").map(\.kind) == ["FORM_CREATED"])
            // Per-container slips writing their own rows of the shared containers[] at the same time lose nothing.
            let containers = ["MSCU1234566", "MSCU7654329", "TGHU1111114", "CSQU3054383"]
            var slips: [Cyberport_Deals_V1_Form] = []
            for container in containers { slips.append(try await h.createForm(w.deal, "UL090", key: container, by: w.shipper)) }
            let forms = slips
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, slip) in forms.enumerated() {
                    group.addTask { try await h.updateForm(slip, values: ["sealNo": "SEAL\(index)"], by: w.shipper) }
                }
                try await group.waitForAll()
            }
            let rows = try await h.rootDocument(w.deal, by: w.shipper).rows("containers[]")
            #expect(Set(rows.compactMap { $0["containerNo"] }) == Set(containers))
            #expect(Set(rows.compactMap { $0["sealNo"] }) == ["SEAL0", "SEAL1", "SEAL2", "SEAL3"])
        }
    }
}
