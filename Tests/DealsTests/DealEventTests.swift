import CyberPortTestSupport
import DealsKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import PortWebhooks
import Testing

/// Deal events 1–3 delivered as signed webhooks to the targets companies register in Identity (events 4–5, form sent
/// and deleted, are covered with the forms).
@Suite(.timeLimit(.minutes(5)))
struct DealEventTests {
    static let shipperType = "shipperOrConsignee"
    static let forwarderType = "forwarder"

    @Test(arguments: TestBackend.available)
    func dealAndParticipantEventsReachTheirOrganizations(_ backend: TestBackend) async throws {
        let receiver = try await WebhookReceiver.start { _, index in
            // The first delivery fails: the outbox retries it with the same delivery id.
            index == 0 ? .respond(503) : .respond(204)
        }
        defer { Task { await receiver.stop() } }
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            _ = try await h.webhookTarget(for: shipper, url: receiver.url("/shipper"), secret: "shipper-secret")
            _ = try await h.webhookTarget(for: forwarder, url: receiver.url("/forwarder"), secret: "forwarder-secret")
            let deal = try await h.create(
                shipper, businessType: Self.shipperType, bl: "EVT-BL-1", booking: "BK1", scac: "NYKS", inHouse: "REF-1")
            let added = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            try await h.remove(added.name, by: shipper)

            let delivered = try await eventually { () -> [ReceivedRequest]? in
                let acknowledged = receiver.acknowledgedRequests
                return acknowledged.count >= 3 ? acknowledged : nil
            }
            #expect(receiver.requests.count == 4)  // one retried
            let byType = Dictionary(grouping: delivered) { $0.header(WebhookSignature.eventTypeHeader) ?? "" }
            #expect(byType.keys.sorted() == ["deal.created", "participant.added", "participant.removed"])
            #expect(byType["deal.created"]?.map(\.uri) == ["/shipper"])
            #expect(byType["participant.added"]?.map(\.uri) == ["/forwarder"])
            #expect(byType["participant.removed"]?.map(\.uri) == ["/forwarder"])
            // The retried delivery kept its id.
            let first = receiver.requests[0]
            #expect(delivered.contains { $0.deliveryID == first.deliveryID })

            for request in delivered {
                let secret = request.uri == "/shipper" ? "shipper-secret" : "forwarder-secret"
                let timestamp = try #require(Int64(request.header(WebhookSignature.timestampHeader) ?? ""))
                #expect(
                    WebhookSignature.isValid(
                        request.header(WebhookSignature.signatureHeader) ?? "", secret: secret, timestamp: timestamp,
                        body: request.body))
                let body = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
                let data = try #require(body["data"] as? [String: Any])
                #expect(data["dealNo"] as? String == deal.dealNumber)
                #expect(data["blNumber"] as? String == "EVT-BL-1")
                #expect(data["bookingNo"] as? String == "BK1")
                #expect(data["scacCode"] as? String == "NYKS")
                #expect(data["domesticNo"] as? String == "REF-1")
                #expect((data["dealReportHistoryId"] as? String)?.hasPrefix("\(deal.name)/timelineEntries/") == true)
                #expect(body["mailAddress"] as? String == shipper.company.registered.adminEmail)
            }
            let added1 = try #require(byType["participant.added"]?.first)
            let addedData = try #require(
                (try JSONSerialization.jsonObject(with: Data(added1.body)) as? [String: Any])?["data"] as? [String: Any])
            #expect(addedData["operationType"] as? String == "addOrganization")
            #expect(addedData["operationName"] as? String == "Organization added.")
            #expect(addedData["organization"] as? String == forwarder.organization)
        }
    }
    @Test(arguments: TestBackend.available)
    func formSentAndDeletedReachWhoMayReadIt(_ backend: TestBackend) async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await withDeals(backend) { h in
            let world = try await FormWorld.make(h)
            for member in [world.shipper, world.forwarder, world.carrier, world.trucker, world.broker] {
                _ = try await h.webhookTarget(for: member, url: receiver.url("/\(member.organizationID)"), secret: "s")
            }
            // The shipper's booking request: the forwarder (RW) and the carrier (R) may read it; trucker and broker
            // may not (the matrix's "-").
            let form = try await h.createForm(world.deal, "UL010", by: world.shipper)
            var values = FormWorld.bookingRequest
            values["vesselName"] = "ONE HARMONY"
            let filled = try await h.updateForm(form, values: values, groups: FormWorld.containerRequests, by: world.shipper)
            _ = try await h.send(filled.name, etag: filled.etag, by: world.shipper)
            try await h.deleteForm(filled.name, by: world.shipper)

            func told(_ type: String) async throws -> [String] {
                try await eventually { () -> [String]? in
                    let paths = receiver.acknowledgedRequests
                        .filter { $0.header(WebhookSignature.eventTypeHeader) == type }.map(\.uri).sorted()
                    return paths.count >= 2 ? paths : nil
                }
            }
            let readers = ["/\(world.forwarder.organizationID)", "/\(world.carrier.organizationID)"].sorted()
            #expect(try await told("form.sent") == readers)
            #expect(try await told("form.deleted") == readers)
            let sent = try #require(
                receiver.acknowledgedRequests.first { $0.header(WebhookSignature.eventTypeHeader) == "form.sent" })
            let data = try #require(
                (try JSONSerialization.jsonObject(with: Data(sent.body)) as? [String: Any])?["data"] as? [String: Any])
            #expect(data["operationType"] as? String == "send")
            #expect(data["reportCode"] as? String == "UL010")
            #expect(data["report"] as? String == filled.name)
            // Nobody who may not read the form was told anything about it.
            let strangers = ["/\(world.trucker.organizationID)", "/\(world.broker.organizationID)"]
            #expect(receiver.requests.filter { strangers.contains($0.uri) && ($0.header(WebhookSignature.eventTypeHeader) ?? "").hasPrefix("form.") }.isEmpty)
        }
    }

    @Test(arguments: TestBackend.available)
    func draftsStayOffTheTimelineOfReaders(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let world = try await FormWorld.make(h)
            let form = try await h.createForm(world.deal, "UL010", by: world.shipper)
            let filled = try await h.updateForm(
                form, values: FormWorld.bookingRequest, groups: FormWorld.containerRequests, by: world.shipper)
            func formEntries(_ member: Member) async throws -> [Cyberport_Deals_V1_TimelineEntry] {
                var request = Cyberport_Deals_V1_ListTimelineEntriesRequest()
                request.parent = world.deal.name
                request.form = filled.name
                return try await h.timeline.listTimelineEntries(request, options: member.options).timelineEntries
            }
            func formKinds(_ member: Member) async throws -> [Cyberport_Deals_V1_TimelineEntryKind] {
                try await formEntries(member).map(\.kind)
            }
            // The carrier (Read) does not see the draft being prepared; the forwarder (ReadWrite) does.
            #expect(try await formKinds(world.carrier) == [])
            #expect(try await formKinds(world.forwarder) == [.formCreated, .formUpdated])
            let sent = try await h.send(filled.name, etag: filled.etag, by: world.shipper)
            _ = try await h.updateForm(sent, values: ["commodity": "Spare parts"], by: world.shipper)
            _ = try await h.markRead(filled.name, by: world.carrier)
            #expect(try await formKinds(world.carrier) == [.formSent, .formUpdated, .formRead])
            let diff = try await formEntries(world.carrier)[1].changes.map { "\($0.field):\($0.oldValue)→\($0.newValue)" }
            #expect(diff == ["commodity:Machine parts→Spare parts"])
            // The trucker may not read UL010 at all: none of its entries.
            #expect(try await formKinds(world.trucker) == [])
        }
    }
}

extension DealsHarness {
    /// Registers a webhook target of `member`'s company for its organization.
    func webhookTarget(for member: Member, url: String, secret: String) async throws -> Cyberport_Identity_V1_WebhookTarget {
        var request = Cyberport_Identity_V1_CreateWebhookTargetRequest()
        request.parent = member.company.name
        var target = Cyberport_Identity_V1_WebhookTarget()
        target.displayName = "基幹システム"
        target.url = url
        target.secretToken = secret
        target.organizations = [member.organization]
        request.webhookTarget = target
        return try await identity.webhooks.createWebhookTarget(request, options: member.options)
    }
}

/// Polls `condition` every 20 ms until it returns a value (at most 10 s; the suite's time limit bounds the rest).
func eventually<T: Sendable>(_ condition: @Sendable () async throws -> T?) async throws -> T {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if let value = try await condition() { return value }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw ConditionTimedOut()
}

struct ConditionTimedOut: Error, CustomStringConvertible {
    var description: String { "the condition did not hold within 10 s" }
}
