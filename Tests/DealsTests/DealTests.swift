import CyberPortTestSupport
import DealsKit
import Foundation
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// Deals and participants against a real Identity (in-process) on every storage backend.
@Suite(.timeLimit(.minutes(5)))
struct DealTests {
    static let shipperType = "shipperOrConsignee"
    static let forwarderType = "forwarder"
    static let carrierType = "oceanShipping"

    @Test(arguments: TestBackend.available)
    func createNumbersAndOwner(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let export = try await h.create(shipper, direction: .export, businessType: Self.shipperType, bl: "BL-1")
            let importDeal = try await h.create(shipper, direction: .import, businessType: Self.shipperType)
            #expect(export.dealNumber.hasPrefix("EXP_"))
            #expect(export.dealNumber.count == 19)
            #expect(importDeal.dealNumber.hasPrefix("IMP_"))
            #expect(export.dealNumber != importDeal.dealNumber)
            #expect(export.name == "deals/\(export.dealNumber)")
            #expect(export.ownerOrganization == shipper.organization)
            #expect(export.ownerBusinessType == Self.shipperType)
            #expect(export.loadType == .fcl)
            #expect(!export.etag.isEmpty)
            let participants = try await h.participants(export, shipper)
            #expect(participants.count == 1)
            #expect(participants.first?.owner == true)
            // The owner business type must be one of the caller's.
            await expectRPCError(.invalidArgument, field: "deal.owner_business_type") {
                try await h.create(shipper, businessType: Self.carrierType)
            }
            await expectRPCError(.invalidArgument, field: "deal.direction") {
                try await h.create(shipper, direction: .unspecified, businessType: Self.shipperType)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentCreatesGetDistinctNumbers(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let numbers = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask { try await h.create(shipper, businessType: Self.shipperType, bl: "BL-C-\(index)").dealNumber }
                }
                var result: [String] = []
                for try await number in group { result.append(number) }
                return result
            }
            #expect(Set(numbers).count == 8)
            // Two concurrent deals for the same B/L: exactly one wins.
            let outcomes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask { (try? await h.create(shipper, businessType: Self.shipperType, bl: "BL-RACE")) != nil }
                }
                var wins = 0
                for await won in group where won { wins += 1 }
                return wins
            }
            #expect(outcomes == 1)
        }
    }

    @Test(arguments: TestBackend.available)
    func oneDealPerBL(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let other = try await h.member([Self.forwarderType])
            _ = try await h.create(shipper, businessType: Self.shipperType, bl: "NYKS123456789")
            await expectRPCError(.alreadyExists) {
                try await h.create(other, businessType: Self.forwarderType, bl: "NYKS123456789")
            }
            // Deals without a B/L number never collide.
            _ = try await h.create(shipper, businessType: Self.shipperType)
            _ = try await h.create(shipper, businessType: Self.shipperType)
        }
    }

    @Test(arguments: TestBackend.available)
    func findAndPaginate(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let stranger = try await h.member([Self.shipperType])
            let target = try await h.create(
                shipper, direction: .import, businessType: Self.shipperType, bl: "MAEU9999", booking: "BK-77", scac: "MAEU",
                inHouse: "IH-42")
            for index in 0..<5 {
                _ = try await h.create(shipper, businessType: Self.shipperType, bl: "BL-P-\(index)")
            }
            _ = try await h.create(stranger, businessType: Self.shipperType, bl: "BL-OTHER")

            #expect(try await h.list(shipper) { $0.blNumber = "MAEU9999" }.deals.map(\.name) == [target.name])
            #expect(try await h.list(shipper) { $0.dealNumber = target.dealNumber }.deals.map(\.name) == [target.name])
            #expect(try await h.list(shipper) { $0.inHouseNumber = "IH-42" }.deals.map(\.name) == [target.name])
            #expect(
                try await h.list(shipper) {
                    $0.bookingNumber = "BK-77"
                    $0.scacCode = "MAEU"
                }.deals.map(\.name) == [target.name])
            #expect(try await h.list(shipper) { $0.direction = .import }.deals.map(\.name) == [target.name])
            #expect(try await h.list(shipper) { $0.bookingNumber = "BK-77"; $0.scacCode = "ONEY" }.deals.isEmpty)
            await expectRPCError(.invalidArgument, field: "scac_code") {
                try await h.list(shipper) { $0.bookingNumber = "BK-77" }
            }
            // The stranger does not see the shipper's deal even when it knows the B/L number.
            #expect(try await h.list(stranger) { $0.blNumber = "MAEU9999" }.deals.isEmpty)

            var seen: [String] = []
            var token = ""
            repeat {
                let page = try await h.list(shipper) {
                    $0.pageSize = 2
                    $0.pageToken = token
                }
                #expect(page.deals.count <= 2)
                seen += page.deals.map(\.name)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(seen.count == 6)
            #expect(Set(seen).count == 6)
        }
    }

    @Test(arguments: TestBackend.available)
    func nonParticipantIsDenied(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let stranger = try await h.member([Self.forwarderType])
            let deal = try await h.create(shipper, businessType: Self.shipperType, bl: "BL-SECRET")
            await expectRPCError(.permissionDenied) { try await h.get(deal.name, stranger) }
            await expectRPCError(.permissionDenied) { try await h.get("deals/EXP_19990101_000001", stranger) }
            await expectRPCError(.permissionDenied) { try await h.participants(deal, stranger) }
            await expectRPCError(.permissionDenied) {
                try await h.add(deal, stranger.organization, businessType: Self.forwarderType, by: stranger)
            }
            await expectRPCError(.unauthenticated) {
                var request = Cyberport_Deals_V1_GetDealRequest()
                request.name = deal.name
                return try await h.deals.getDeal(request, options: CallOptions(timeout: .seconds(10)))
            }
            #expect(try await h.get(deal.name, shipper).name == deal.name)
        }
    }

    @Test(arguments: TestBackend.available)
    func addParticipants(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType, "customsBroker"])
            let carrier = try await h.member([Self.carrierType])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            await expectRPCError(.invalidArgument, field: "participant.business_type") {
                try await h.add(deal, forwarder.organization, businessType: Self.carrierType, by: shipper)
            }
            let added = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            #expect(added.name == "\(deal.name)/participants/\(forwarder.organizationID)")
            #expect(added.addedByOrganization == shipper.organization)
            await expectRPCError(.alreadyExists) {
                try await h.add(deal, forwarder.organization, businessType: "customsBroker", by: shipper)
            }
            // The forwarder now sees the deal and may add the carrier itself.
            #expect(try await h.get(deal.name, forwarder).name == deal.name)
            #expect(try await h.list(forwarder).deals.map(\.name) == [deal.name])
            _ = try await h.add(deal, carrier.organization, businessType: Self.carrierType, by: forwarder)
            #expect(try await h.participants(deal, carrier).count == 3)
            await expectRPCError(.notFound) {
                try await h.add(
                    deal, "companies/\(UUID().uuidString.lowercased())/organizations/\(UUID().uuidString.lowercased())",
                    businessType: Self.carrierType, by: shipper)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func disabledOrganizationAndMissingCredential(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let carrier = try await h.member([Self.carrierType])
            let second = try await h.identity.createOrganization(
                in: carrier.company, displayName: "Second office", businessTypes: [Self.carrierType])
            var disable = Cyberport_Identity_V1_DisableOrganizationRequest()
            disable.name = second.name
            _ = try await h.identity.organizations.disableOrganization(disable, options: carrier.options)
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            await expectRPCError(.failedPrecondition) {
                try await h.add(deal, second.name, businessType: Self.carrierType, by: shipper)
            }
        }
        try await withDeals(backend, withCredential: false) { h in
            let shipper = try await h.member([Self.shipperType])
            let carrier = try await h.member([Self.carrierType])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            await expectRPCError(.failedPrecondition) {
                try await h.add(deal, carrier.organization, businessType: Self.carrierType, by: shipper)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func hiddenParticipants(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            let carrier = try await h.member([Self.carrierType])
            let broker = try await h.member(["customsBroker"])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            _ = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            _ = try await h.add(deal, carrier.organization, businessType: Self.carrierType, by: shipper)
            let hidden = try await h.add(deal, broker.organization, businessType: "customsBroker", hidden: true, by: forwarder)
            #expect(hidden.hidden)
            func names(_ member: Member) async throws -> Set<String> {
                Set(try await h.participants(deal, member).map(\.organization))
            }
            #expect(try await names(shipper).contains(broker.organization))  // the owner
            #expect(try await names(forwarder).contains(broker.organization))  // the adder
            #expect(try await names(broker).contains(broker.organization))  // itself
            #expect(try await !names(carrier).contains(broker.organization))  // another participant
            #expect(try await names(carrier).count == 3)
        }
    }

    @Test(arguments: TestBackend.available)
    func overridesMayOnlyWeaken(_ backend: TestBackend) async throws {
        let catalog = try FormCatalog.load()
        let readOnly = try #require(
            catalog.forms.first { catalog.permission(businessType: Self.carrierType, form: $0.code) == .read }?.code)
        let readWrite = try #require(
            catalog.forms.first { catalog.permission(businessType: Self.carrierType, form: $0.code) == .readWrite }?.code)
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let carrier = try await h.member([Self.carrierType])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            let error = await expectRPCError(.invalidArgument, field: "participant.form_overrides[0].permission") {
                try await h.add(
                    deal, carrier.organization, businessType: Self.carrierType, overrides: [(readOnly, .readWrite)],
                    by: shipper)
            }
            #expect(error?.message.contains(readOnly) == true)
            let added = try await h.add(
                deal, carrier.organization, businessType: Self.carrierType,
                overrides: [(readWrite, .read), (readOnly, .none)], by: shipper)
            #expect(added.formOverrides.count == 2)
            #expect(added.formOverrides.first { $0.formCode == readWrite }?.permission == .read)

            // UpdateParticipant: weakening again is fine, strengthening is refused with the form named.
            var update = Cyberport_Deals_V1_UpdateParticipantRequest()
            var participant = Cyberport_Deals_V1_Participant()
            participant.name = added.name
            var entry = Cyberport_Deals_V1_FormOverride()
            entry.formCode = readOnly
            entry.permission = .readWrite
            participant.formOverrides = [entry]
            participant.hidden = true
            update.participant = participant
            update.updateMask = fieldMask("form_overrides", "hidden")
            let refused = await expectRPCError(.invalidArgument) {
                try await h.deals.updateParticipant(update, options: shipper.options)
            }
            #expect(refused?.message.contains(readOnly) == true)
            entry.permission = .none
            participant.formOverrides = [entry]
            update.participant = participant
            let updated = try await h.deals.updateParticipant(update, options: shipper.options)
            #expect(updated.hidden)
            #expect(updated.formOverrides.map(\.formCode) == [readOnly])
            // Only the owner or the adder may change it.
            await expectRPCError(.permissionDenied) {
                try await h.deals.updateParticipant(update, options: carrier.options)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func removeParticipants(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            let carrier = try await h.member([Self.carrierType])
            let broker = try await h.member(["customsBroker"])
            let deal = try await h.create(shipper, businessType: Self.shipperType)
            let fwd = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            let car = try await h.add(deal, carrier.organization, businessType: Self.carrierType, by: forwarder)
            let bro = try await h.add(deal, broker.organization, businessType: "customsBroker", by: shipper)
            // Neither the adder nor the owner: denied.
            await expectRPCError(.permissionDenied) { try await h.remove(bro.name, by: forwarder) }
            await expectRPCError(.permissionDenied) { try await h.remove(fwd.name, by: carrier) }
            // The adder removes what it added; the owner removes anyone but itself.
            try await h.remove(car.name, by: forwarder)
            await expectRPCError(.permissionDenied) { try await h.get(deal.name, carrier) }
            try await h.remove(bro.name, by: shipper)
            let owner = try #require(try await h.participants(deal, shipper).first { $0.owner })
            await expectRPCError(.failedPrecondition) { try await h.remove(owner.name, by: shipper) }
            await expectRPCError(.notFound) { try await h.remove(car.name, by: shipper) }
            #expect(try await h.participants(deal, shipper).count == 2)
        }
    }

    @Test(arguments: TestBackend.available)
    func updateDeal(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member([Self.shipperType])
            let forwarder = try await h.member([Self.forwarderType])
            let deal = try await h.create(shipper, businessType: Self.shipperType, bl: "BL-A")
            _ = try await h.create(shipper, businessType: Self.shipperType, bl: "BL-TAKEN")
            _ = try await h.add(deal, forwarder.organization, businessType: Self.forwarderType, by: shipper)
            var request = Cyberport_Deals_V1_UpdateDealRequest()
            var changed = deal
            changed.displayName = "Renamed"
            changed.blNumber = "BL-B"
            changed.coastalFeeder = true
            request.deal = changed
            request.updateMask = fieldMask("display_name", "bl_number", "coastal_feeder")
            await expectRPCError(.permissionDenied) { try await h.deals.updateDeal(request, options: forwarder.options) }
            let updated = try await h.deals.updateDeal(request, options: shipper.options)
            #expect(updated.displayName == "Renamed")
            #expect(updated.blNumber == "BL-B")
            #expect(updated.coastalFeeder)
            #expect(updated.etag != deal.etag)
            // The old etag is stale now.
            await expectRPCError(.aborted) { try await h.deals.updateDeal(request, options: shipper.options) }
            changed = updated
            changed.blNumber = "BL-TAKEN"
            request.deal = changed
            request.updateMask = fieldMask("bl_number")
            await expectRPCError(.alreadyExists) { try await h.deals.updateDeal(request, options: shipper.options) }
            #expect(try await h.list(shipper) { $0.blNumber = "BL-B" }.deals.map(\.name) == [deal.name])
        }
    }
}
