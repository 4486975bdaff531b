import CyberPortTestSupport
import DealsKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// Who sees and changes which form (the permission matrix and overrides), sending, edit locks, deletion and read
/// receipts, through the real client on every storage backend.
@Suite(.timeLimit(.minutes(5)))
struct FormAccessTests {
    @Test(arguments: TestBackend.available)
    func theMatrixDecidesWhoSeesWhat(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let instruction = try await h.createForm(w.deal, "UL040", by: w.shipper)
            try await h.updateForm(
                instruction,
                values: FormWorld.bookingRequest.merging(FormWorld.shippingInstruction) { $1 }.merging(["consigneeName": "US Buyer"]) { $1 },
                groups: FormWorld.cargoLines.merging(FormWorld.containerRequests) { $1 }, by: w.shipper)
            // The forwarder (RW on UL040) sees and edits the draft; the customs broker (R) does not see a draft; the
            // trucker ("-") may not see UL040 at all.
            #expect(try await h.getForm(instruction.name, by: w.forwarder).callerPermission == .readWrite)
            try await h.write(instruction.name, values: ["blRemarks": "by the forwarder"], by: w.forwarder)
            await expectRPCError(.notFound) { try await h.getForm(instruction.name, by: w.broker) }
            await expectRPCError(.permissionDenied) { try await h.getForm(instruction.name, by: w.trucker) }
            // Permission before existence: a form that does not exist is NOT_FOUND only for those who may see its code.
            await expectRPCError(.notFound) { try await h.getForm(w.form("UL150"), by: w.broker) }
            await expectRPCError(.permissionDenied) { try await h.getForm(w.form("UL010"), by: w.trucker) }
            // Non-participants get PERMISSION_DENIED whether or not the deal or form exists.
            await expectRPCError(.permissionDenied) { try await h.getForm(instruction.name, by: w.stranger) }
            await expectRPCError(.permissionDenied) { try await h.getForm("deals/EXP_19990101_000001/forms/UL040", by: w.stranger) }
            await expectRPCError(.permissionDenied) { try await h.createForm(w.deal, "UL010", by: w.stranger) }
            await expectRPCError(.permissionDenied) { try await h.rootDocument(w.deal, by: w.stranger) }
            // Creating needs ReadWrite.
            await expectRPCError(.permissionDenied) { try await h.createForm(w.deal, "UL040", by: w.broker) }
            await expectRPCError(.permissionDenied) { try await h.createForm(w.deal, "UL050", by: w.shipper) }

            try await h.send(instruction.name, by: w.forwarder)
            let read = try await h.getForm(instruction.name, by: w.broker)
            #expect(read.state == .sent)
            #expect(read.callerPermission == .read)
            #expect(read["consigneeName"] == "US Buyer")
            await expectRPCError(.permissionDenied) {
                try await h.updateForm(read, values: ["blRemarks": "broker"], by: w.broker)
            }
            await expectRPCError(.permissionDenied) { try await h.unsend(instruction.name, by: w.broker) }
            #expect(try await h.allFormIDs(w.deal, by: w.broker) == ["UL040"])
            #expect(try await h.allFormIDs(w.deal, by: w.trucker).isEmpty)

            // The root document shows only what the caller's readable forms bind: the trucker reads the vessel through
            // the booking confirmation (R) but not the B/L type, which only the S/I and B/L family carry.
            let truckerRoot = try await h.rootDocument(w.deal, by: w.trucker)
            #expect(truckerRoot.value("seaWay.vesselName") == "ONE HARMONY")
            #expect(!truckerRoot.paths.contains("billOfLading.type"))
            #expect(try await h.rootDocument(w.deal, by: w.broker).value("billOfLading.type") == "ORIGINAL")
        }
    }

    @Test(arguments: TestBackend.available)
    func overridesOnlyWeaken(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h, forwarderOverrides: [("UL040", .read), ("UL010", .none)])
            let instruction = try await h.createForm(w.deal, "UL040", by: w.shipper)
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            // READ instead of RW: no draft, no writes, no creation.
            await expectRPCError(.notFound) { try await h.getForm(instruction.name, by: w.forwarder) }
            await expectRPCError(.permissionDenied) { try await h.createForm(w.deal, "UL040", by: w.forwarder) }
            // NONE: not even sent forms.
            try await h.updateForm(request, values: FormWorld.bookingRequest, groups: FormWorld.containerRequests, by: w.shipper)
            let sent = try await h.send(request.name, by: w.shipper)
            #expect(!sent.recipients.contains(w.forwarder.organization))
            await expectRPCError(.permissionDenied) { try await h.getForm(request.name, by: w.forwarder) }
            #expect(try await h.allFormIDs(w.deal, by: w.forwarder).isEmpty)
            #expect(try await h.allFormIDs(w.deal, by: w.carrier) == ["UL010"])
        }
    }

    @Test(arguments: TestBackend.available)
    func sendingNeedsRequiredFieldsAndReachesReaders(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            var partial = FormWorld.bookingRequest
            partial.removeValue(forKey: "etd")
            let filled = try await h.updateForm(request, values: partial, by: w.shipper)
            let error = await expectRPCError(.failedPrecondition, reason: "REQUIRED_FIELDS_MISSING") {
                try await h.send(request.name, etag: filled.etag, by: w.shipper)
            }
            #expect(error?.message.contains("etd") == true)
            #expect(error?.message.contains("containerRequests") == true)
            let withRows = try await h.updateForm(
                filled, values: ["etd": "2026-11-21"], groups: ["containerRequests": [["sizeType": "22G1"]]], by: w.shipper)
            let rowError = await expectRPCError(.failedPrecondition) {
                try await h.send(request.name, etag: withRows.etag, by: w.shipper)
            }
            #expect(rowError?.errorDetails.metadata["fields"] == "containerRequests[0].numberOfContainers")
            await expectRPCError(.aborted) { try await h.send(request.name, etag: filled.etag, by: w.shipper) }
            await expectRPCError(.invalidArgument, field: "etag") { try await h.send(request.name, etag: "", by: w.shipper) }
            let ready = try await h.updateForm(withRows, groups: FormWorld.containerRequests, by: w.shipper)
            let sent = try await h.send(request.name, etag: ready.etag, by: w.shipper)
            #expect(sent.state == .sent)
            #expect(sent.sendTime != nil)
            // Recipients: the participants other than the sender with at least Read on UL010 (forwarder RW, carrier R);
            // not the trucker or the broker ("-").
            #expect(Set(sent.recipients) == [w.forwarder.organization, w.carrier.organization])
            await expectRPCError(.failedPrecondition, reason: "ALREADY_SENT") { try await h.send(request.name, by: w.shipper) }
            #expect(try await h.getForm(request.name, by: w.carrier).state == .sent)

            // A sent form may still be updated; it stays sent and the update is in the timeline.
            let updated = try await h.write(request.name, values: ["remarks": "updated after sending"], by: w.forwarder)
            #expect(updated.state == .sent)
            let unsent = try await h.unsend(request.name, etag: updated.etag, by: w.shipper)
            #expect(unsent.state == .draft)
            #expect(unsent.recipients.isEmpty)
            await expectRPCError(.failedPrecondition, reason: "NOT_SENT") { try await h.unsend(request.name, by: w.shipper) }
            await expectRPCError(.notFound) { try await h.getForm(request.name, by: w.carrier) }
            let kinds = try await h.timeline(w.deal, formID: "UL010").map(\.kind)
            #expect(kinds == ["FORM_CREATED", "FORM_UPDATED", "FORM_UPDATED", "FORM_UPDATED", "FORM_SENT", "FORM_UPDATED", "FORM_UNSENT"])
        }
    }

    @Test(arguments: TestBackend.available)
    func sentFinalFormsLockTheirSharedFields(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            try await h.updateForm(request, values: FormWorld.bookingRequest, groups: FormWorld.containerRequests, by: w.shipper)
            let confirmation = try await h.createForm(w.deal, "UL050", by: w.carrier)
            #expect(confirmation["portOfLoadingCode"] == "JPTYO")
            let filled = try await h.updateForm(confirmation, values: FormWorld.bookingConfirmation, by: w.carrier)
            #expect(filled["containerTerminalOperator"] == "")
            try await h.send(confirmation.name, etag: filled.etag, by: w.carrier)

            // Through any other form the locked values are read-only; the empty ones stay free.
            let locked = try await h.getForm(request.name, by: w.shipper)
            let lockedFields = Dictionary(locked.lockedFields.map { ($0.field, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(lockedFields["vesselName"]?.rootPath == "seaWay.vesselName")
            #expect(lockedFields["vesselName"]?.lockedByForm == confirmation.name)
            #expect(lockedFields["containerRequests"]?.rootPath == "containerRequests[]")
            #expect(lockedFields["placeOfDelivery"] == nil)
            let error = await expectRPCError(.failedPrecondition, field: "vesselName", reason: "FIELD_LOCKED") {
                try await h.updateForm(locked, values: ["vesselName": "OTHER"], by: w.shipper)
            }
            #expect(error?.errorDetails.metadata["lockedByForm"] == confirmation.name)
            await expectRPCError(.failedPrecondition, field: "containerRequests", reason: "FIELD_LOCKED") {
                try await h.updateForm(locked, groups: ["containerRequests": [["sizeType": "42G1", "numberOfContainers": "1"]]], by: w.shipper)
            }
            // Writing the value it already has, or a field nobody locked, passes.
            let same = try await h.updateForm(locked, values: ["vesselName": "ONE HARMONY", "placeOfDelivery": "Chicago"], by: w.shipper)
            #expect(same["placeOfDelivery"] == "Chicago")
            // The locking form itself may change it (and the value flows everywhere).
            try await h.write(confirmation.name, values: ["vesselName": "ONE HARMONY II"], by: w.carrier)
            #expect(try await h.getForm(request.name, by: w.shipper)["vesselName"] == "ONE HARMONY II")
            // UL050 carries no container rows: per-container forms stay writable.
            let slip = try await h.createForm(w.deal, "UL090", key: "MSCU1234566", by: w.shipper)
            try await h.updateForm(slip, values: ["sealNo": "S1"], by: w.shipper)

            // Unsending releases the locks; sending again takes them again.
            try await h.unsend(confirmation.name, by: w.carrier)
            #expect(try await h.getForm(request.name, by: w.shipper).lockedFields.isEmpty)
            try await h.write(request.name, values: ["vesselName": "ONE HARMONY III"], by: w.shipper)
            try await h.send(confirmation.name, by: w.carrier)
            let relocked = try await h.getForm(request.name, by: w.shipper)
            await expectRPCError(.failedPrecondition, reason: "FIELD_LOCKED") {
                try await h.updateForm(relocked, values: ["vesselName": "NOPE"], by: w.shipper)
            }

            // Only the creator organization deletes; deleting releases the locks and keeps the shared values.
            await expectRPCError(.permissionDenied) { try await h.deleteForm(confirmation.name, by: w.shipper) }
            await expectRPCError(.aborted) { try await h.deleteForm(confirmation.name, etag: filled.etag, by: w.carrier) }
            try await h.deleteForm(confirmation.name, by: w.carrier)
            await expectRPCError(.notFound) { try await h.getForm(confirmation.name, by: w.carrier) }
            let free = try await h.getForm(request.name, by: w.shipper)
            #expect(free.lockedFields.isEmpty)
            #expect(free["vesselName"] == "ONE HARMONY III")
            try await h.updateForm(free, values: ["vesselName": "FREE AGAIN"], by: w.shipper)
            // A new UL050 starts without the deleted one's own data but shows the shared values.
            let recreated = try await h.createForm(w.deal, "UL050", by: w.carrier)
            #expect(recreated["cargoCutOffDate"] == "")
            #expect(recreated["vesselName"] == "FREE AGAIN")
            #expect(recreated.state == .draft)
            #expect(try await h.timeline(w.deal, formID: "UL050").map(\.kind).contains("FORM_DELETED"))
        }
    }

    @Test(arguments: TestBackend.available)
    func recipientsMarkFormsRead(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            try await h.updateForm(request, values: FormWorld.bookingRequest, groups: FormWorld.containerRequests, by: w.shipper)
            await expectRPCError(.failedPrecondition, reason: "NOT_SENT") { try await h.markRead(request.name, by: w.forwarder) }
            try await h.send(request.name, by: w.shipper)

            let first = try await h.markRead(request.name, by: w.carrier)
            #expect(first.name == "\(request.name)/readReceipts/\(w.carrier.organizationID)")
            #expect(first.organization == w.carrier.organization)
            #expect(first.reader == w.carrier.company.registered.administrator)
            let again = try await h.markRead(request.name, by: w.carrier)
            #expect(again.readTime == first.readTime)
            await expectRPCError(.permissionDenied) { try await h.markRead(request.name, by: w.shipper) }
            await expectRPCError(.permissionDenied) { try await h.markRead(request.name, by: w.trucker) }
            await expectRPCError(.permissionDenied) { try await h.markRead(request.name, by: w.stranger) }

            let receipts = try await h.receipts(request.name, by: w.shipper)
            #expect(receipts.readReceipts.map(\.organization) == [w.carrier.organization])
            #expect(receipts.unreadOrganizations == [w.forwarder.organization])
            await expectRPCError(.permissionDenied) { try await h.receipts(request.name, by: w.carrier) }

            try await h.markRead(request.name, by: w.forwarder)
            let firstPage = try await h.receipts(request.name, pageSize: 1, by: w.shipper)
            #expect(firstPage.readReceipts.map(\.organization) == [w.carrier.organization])
            #expect(firstPage.unreadOrganizations.isEmpty)
            let secondPage = try await h.receipts(request.name, pageSize: 1, token: firstPage.nextPageToken, by: w.shipper)
            #expect(secondPage.readReceipts.map(\.organization) == [w.forwarder.organization])
            #expect(secondPage.nextPageToken.isEmpty)
            let reads = try await h.timeline(w.deal, formID: "UL010").filter { $0.kind == "FORM_READ" }
            #expect(reads.map(\.actorOrganization) == [w.carrier.organization, w.forwarder.organization])

            // Unsending clears the receipts: a re-sent form is read again.
            try await h.unsend(request.name, by: w.shipper)
            await expectRPCError(.failedPrecondition) { try await h.receipts(request.name, by: w.shipper) }
            try await h.send(request.name, by: w.shipper)
            let fresh = try await h.receipts(request.name, by: w.shipper)
            #expect(fresh.readReceipts.isEmpty)
            #expect(Set(fresh.unreadOrganizations) == [w.carrier.organization, w.forwarder.organization])
        }
    }
}
