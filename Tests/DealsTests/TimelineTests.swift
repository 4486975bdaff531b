import CyberPortTestSupport
import DealsKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The timeline of deals (ListTimelineEntries, WatchDeal) against a real Identity on every storage backend.
@Suite(.timeLimit(.minutes(5)))
struct TimelineTests {
    static let shipperType = "shipperOrConsignee"
    static let forwarderType = "forwarder"
    static let carrierType = "oceanShipping"

    @Test(arguments: TestBackend.available)
    func entriesInOrderWithDiffs(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            var deal = try await h.create(shipper, businessType: Self.shipperType, bl: "TL-1")
            _ = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            var update = Cyberport_Deals_V1_UpdateDealRequest()
            deal.displayName = "Renamed"
            deal.inHouseNumber = "REF-9"
            update.deal = deal
            update.updateMask = fieldMask("display_name", "in_house_number")
            deal = try await h.deals.updateDeal(update, options: shipper.options)

            let entries = try await h.entries(deal, shipper)
            #expect(entries.map(\.kind) == [.dealCreated, .participantAdded, .dealUpdated])
            #expect(entries.map(\.name) == (1...3).map { "\(deal.name)/timelineEntries/\($0)" })
            #expect(entries.allSatisfy { $0.actorOrganization == shipper.organization && !$0.actor.isEmpty })
            #expect(entries[1].participantOrganization == forwarder.organization)
            let changes = entries[2].changes.map { "\($0.field):\($0.oldValue)→\($0.newValue)" }
            #expect(changes == ["display_name:Deal→Renamed", "in_house_number:→REF-9"])
            // The forwarder sees the same entries; pages of one entry walk the whole timeline.
            var seen: [String] = []
            var token = ""
            repeat {
                var request = Cyberport_Deals_V1_ListTimelineEntriesRequest()
                request.parent = deal.name
                request.pageSize = 1
                request.pageToken = token
                let page = try await h.timeline.listTimelineEntries(request, options: forwarder.options)
                seen += page.timelineEntries.map(\.name)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(seen == entries.map(\.name))
        }
    }

    @Test(arguments: TestBackend.available)
    func hiddenParticipantsAndOutsiders(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            let carrier = try await h.member([Self.carrierType])
            let outsider = try await h.member([Self.forwarderType])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            _ = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            // The forwarder adds the carrier hidden: the shipper (owner), the forwarder (adder) and the carrier see it.
            let hidden = try await h.add(deal, carrier.organization, businessType: Self.carrierType, hidden: true, by: forwarder)
            try await h.remove(hidden.name, by: forwarder)
            #expect(try await h.entries(deal, shipper).map(\.kind) == [
                .dealCreated, .participantAdded, .participantAdded, .participantRemoved,
            ])
            #expect(try await h.entries(deal, forwarder).count == 4)
            // A participant added later sees the deal's history, but not entries about hidden participants.
            let other = try await h.member([Self.carrierType])
            _ = try await h.add(deal, other.organization, businessType: Self.carrierType, by: shipper)
            #expect(try await h.entries(deal, other).map(\.kind) == [.dealCreated, .participantAdded, .participantAdded])
            // Not a participant: PERMISSION_DENIED, whether or not the deal exists.
            await expectRPCError(.permissionDenied) { try await h.entries(deal, outsider) }
            var missing = deal
            missing.name = "deals/EXP_20000101_999999"
            await expectRPCError(.permissionDenied) { try await h.entries(missing, outsider) }
            await expectRPCError(.invalidArgument, field: "form") {
                var request = Cyberport_Deals_V1_ListTimelineEntriesRequest()
                request.parent = deal.name
                request.form = "deals/EXP_20000101_999999/forms/UL040"
                _ = try await h.timeline.listTimelineEntries(request, options: shipper.options)
            }
            await expectRPCError(.invalidArgument, field: "parent") {
                var request = Cyberport_Deals_V1_ListTimelineEntriesRequest()
                request.parent = "deals/nope"
                _ = try await h.timeline.listTimelineEntries(request, options: shipper.options)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func watchStreamsLiveEntriesAndResumes(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            let carrier = try await h.member([Self.carrierType])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            _ = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            var request = Cyberport_Deals_V1_WatchDealRequest()
            request.deal = deal.name
            // The forwarder watches from entry 2 on (so the test does not depend on when the stream starts); the
            // shipper adds the carrier, then removes the forwarder: the forwarder's stream shows the addition, then
            // ends with PERMISSION_DENIED.
            request.startAfter = "\(deal.name)/timelineEntries/2"
            let watchRequest = request
            // The stream reports each entry it receives, so the removal happens only after the addition arrived.
            let (arrivals, arrived) = AsyncStream<Void>.makeStream()
            let watched = Task {
                var names: [Cyberport_Deals_V1_TimelineEntryKind] = []
                do {
                    try await h.timeline.watchDeal(watchRequest, options: forwarder.options) { stream in
                        for try await entry in stream {
                            names.append(entry.kind)
                            arrived.yield()
                        }
                    }
                    return (names, StatusCode.ok)
                } catch let error as RPCError {
                    return (names, error.code)
                }
            }
            let added = try await h.add(deal, carrier.organization, businessType: Self.carrierType, by: shipper)
            var arrival = arrivals.makeAsyncIterator()
            _ = await arrival.next()
            try await h.remove("\(deal.name)/participants/\(forwarder.organizationID)", by: shipper)
            let (kinds, code) = try await watched.value
            #expect(code == .permissionDenied)
            #expect(kinds.first == .participantAdded)
            #expect(!added.name.isEmpty)

            // Resuming after entry 1 replays entries 2… and then waits; the shipper cancels after reading them.
            request.startAfter = "\(deal.name)/timelineEntries/1"
            let replayed = try await h.timeline.watchDeal(request, options: shipper.options) { stream in
                var kinds: [Cyberport_Deals_V1_TimelineEntryKind] = []
                for try await entry in stream {
                    kinds.append(entry.kind)
                    if kinds.count == 3 { break }
                }
                return kinds
            }
            #expect(replayed == [.participantAdded, .participantAdded, .participantRemoved])
            await expectRPCError(.invalidArgument, field: "start_after") {
                request.startAfter = "deals/EXP_20000101_999999/timelineEntries/1"
                try await h.timeline.watchDeal(request, options: shipper.options) { stream in for try await _ in stream {} }
            }
        }
    }
}

extension DealsHarness {
    /// The whole timeline of `deal` as `member` sees it.
    func entries(_ deal: Cyberport_Deals_V1_Deal, _ member: Member) async throws -> [Cyberport_Deals_V1_TimelineEntry] {
        var request = Cyberport_Deals_V1_ListTimelineEntriesRequest()
        request.parent = deal.name
        request.pageSize = 200
        return try await timeline.listTimelineEntries(request, options: member.options).timelineEntries
    }
}
