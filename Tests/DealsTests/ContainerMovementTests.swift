import CyberPortTestSupport
import DealsKit
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// The container movement feed (ContainerMovementService) through the real client: who may read it, what sending a
/// carry-in slip, an EIR or a carry-out slip records, and paging by sequence number.
@Suite(.timeLimit(.minutes(5)))
struct ContainerMovementTests {
    static let containers = ["ONEU0000012", "ONEU0000028", "ONEU0000033"]

    @Test(arguments: TestBackend.available)
    func onlyTheStatsServiceMayReadTheFeed(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let feed = Cyberport_Deals_V1_ContainerMovementServiceClient(h.client)
            let request = Cyberport_Deals_V1_ListContainerMovementsRequest()
            let user = try await h.member(["shipperOrConsignee"])
            await expectRPCError(.permissionDenied, reason: "PERMISSION_DENIED", "a user") {
                try await feed.listContainerMovements(request, options: user.options)
            }
            let operatorOptions = try await h.identity.operatorOptions()
            await expectRPCError(.permissionDenied, "the platform operator") {
                try await feed.listContainerMovements(request, options: operatorOptions)
            }
            let deals = try await h.identity.serviceOptions("deals")
            await expectRPCError(.permissionDenied, "another service") {
                try await feed.listContainerMovements(request, options: deals)
            }
            await expectRPCError(.unauthenticated, "no token") {
                try await feed.listContainerMovements(request, options: CallOptions(timeout: .seconds(10)))
            }
            let stats = try await h.identity.serviceOptions("stats")
            let empty = try await feed.listContainerMovements(request, options: stats)
            #expect(empty.containerMovements.isEmpty)
            #expect(empty.latestSequence == 0)
            var negative = Cyberport_Deals_V1_ListContainerMovementsRequest()
            negative.afterSequence = -1
            await expectRPCError(.invalidArgument, field: "after_sequence") {
                try await feed.listContainerMovements(negative, options: stats)
            }
            negative = Cyberport_Deals_V1_ListContainerMovementsRequest()
            negative.pageSize = -1
            await expectRPCError(.invalidArgument, field: "page_size") {
                try await feed.listContainerMovements(negative, options: stats)
            }
        }
    }

    @Test(arguments: TestBackend.available)
    func sendingACarryInSlipRecordsOneMovement(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h)
            let feed = Cyberport_Deals_V1_ContainerMovementServiceClient(h.client)
            let stats = try await h.identity.serviceOptions("stats")
            let container = Self.containers[0]
            let slip = try await ContainerForms(h.client).sendCarryInSlip(
                deal: w.deal.name, container: container, sizeType: "45G1", date: "2026-11-18", time: "0930",
                options: w.trucker.options)

            var page = try await feed.listContainerMovements(.init(), options: stats)
            #expect(page.latestSequence == 1)
            let movement = try #require(page.containerMovements.first)
            #expect(page.containerMovements.count == 1)
            #expect(movement.sequence == 1)
            #expect(movement.kind == .carryIn)
            #expect(movement.containerNumber == container)
            #expect(movement.sizeType == "45G1")
            #expect(movement.loadStatus == .full)
            #expect(movement.port == "JPTYO")
            // 2026-11-18 09:30 in Japan is 00:30 UTC.
            #expect(movement.eventTime?.seconds == 1_794_961_800)
            #expect(movement.deal == w.deal.name)
            #expect(movement.form == slip.name)
            #expect(movement.recordTime == slip.sendTime)

            // Unsending, changing and sending it again records nothing more: the container was carried in once.
            try await h.unsend(slip.name, by: w.trucker)
            try await h.write(slip.name, values: ["containerDeliveryTime": "1000"], by: w.trucker)
            try await h.send(slip.name, by: w.trucker)
            // Forms that report no movement record none.
            let request = try await h.createForm(w.deal, "UL010", by: w.shipper)
            try await h.updateForm(request, values: FormWorld.bookingRequest, groups: FormWorld.containerRequests, by: w.shipper)
            try await h.send(request.name, by: w.shipper)
            page = try await feed.listContainerMovements(.init(), options: stats)
            #expect(page.containerMovements.map(\.sequence) == [1])
            #expect(page.containerMovements.first?.eventTime?.seconds == 1_794_961_800)

            // The trucker's EIR of an empty container gated in at the terminal: GATE_IN, EMPTY, at the port of loading.
            let eir = try await ContainerForms(h.client).send(
                deal: w.deal.name, code: "UL080", key: "EIR-0001",
                values: [
                    "eirNo": "EIR-0001", "gateDirection": "IN", "containerNo": Self.containers[1], "sizeType": "22G1",
                    "fullOrEmpty": "E", "terminalName": "Oi Terminal", "gateDate": "2026-12-01", "gateTime": "0800",
                ], options: w.trucker.options)
            page = try await feed.listContainerMovements(.init(), options: stats)
            let gate = try #require(page.containerMovements.last)
            #expect(page.containerMovements.count == 2)
            #expect(gate.sequence == 2)
            #expect(gate.kind == .gateIn)
            #expect(gate.containerNumber == Self.containers[1])
            #expect(gate.loadStatus == .empty)
            #expect(gate.port == "JPTYO")
            #expect(gate.form == eir.name)
            // 2026-12-01 08:00 JST is still November 30th in UTC.
            #expect(gate.eventTime?.seconds == 1_796_079_600)
        }
    }

    @Test(arguments: TestBackend.available)
    func importCarryOutSlipsAreMovementsAtThePortOfDischarge(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let w = try await FormWorld.make(h, direction: .import)
            let feed = Cyberport_Deals_V1_ContainerMovementServiceClient(h.client)
            let stats = try await h.identity.serviceOptions("stats")
            let container = Self.containers[2]
            // The root document learns the ports from the carrier's arrival notice.
            let notice = try await h.createForm(w.deal, "UL290", by: w.carrier)
            try await h.updateForm(
                notice,
                values: [
                    "blNo": "ONEYSHA000777", "oceanCarrierName": "Ocean Network Express", "consigneeName": "Nippon Import KK",
                    "vesselName": "ONE PROSPERITY", "voyageNo": "034W", "portOfLoading": "Shanghai",
                    "portOfLoadingCode": "CNSHA", "portOfDischarge": "Yokohama", "portOfDischargeCode": "JPYOK",
                    "etaPod": "2026-12-02", "commodity": "Furniture",
                ],
                groups: ["containers": [["containerNo": container, "sizeType": "42G1"]]], by: w.carrier)
            try await h.send(notice.name, by: w.carrier)
            #expect(try await feed.listContainerMovements(.init(), options: stats).containerMovements.isEmpty)

            try await ContainerForms(h.client).send(
                deal: w.deal.name, code: "UL320", key: container,
                values: [
                    "terminalName": "Honmoku D-5", "carryOutDate": "2026-12-04", "truckingCompanyName": "Kanto Trucking",
                ], options: w.trucker.options)
            let movement = try #require(
                try await feed.listContainerMovements(.init(), options: stats).containerMovements.first)
            #expect(movement.kind == .carryOut)
            #expect(movement.port == "JPYOK")
            #expect(movement.sizeType == "42G1")
            #expect(movement.loadStatus == .full)
            // No time on the slip: midnight in Japan.
            #expect(movement.eventTime?.seconds == 1_796_310_000)
        }
    }

    @Test(arguments: TestBackend.available)
    func pagingBySequenceNumber(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member(["shipperOrConsignee"])
            let deal = try await h.create(shipper, businessType: "shipperOrConsignee")
            let forms = ContainerForms(h.client)
            for container in Self.containers {
                try await forms.sendCarryInSlip(
                    deal: deal.name, container: container, sizeType: "22G1", date: "2026-11-18", options: shipper.options)
            }
            let feed = Cyberport_Deals_V1_ContainerMovementServiceClient(h.client)
            let stats = try await h.identity.serviceOptions("stats")
            func page(after: Int64, size: Int32) async throws -> Cyberport_Deals_V1_ListContainerMovementsResponse {
                var request = Cyberport_Deals_V1_ListContainerMovementsRequest()
                request.afterSequence = after
                request.pageSize = size
                return try await feed.listContainerMovements(request, options: stats)
            }
            let first = try await page(after: 0, size: 2)
            #expect(first.containerMovements.map(\.sequence) == [1, 2])
            #expect(first.containerMovements.map(\.containerNumber) == Array(Self.containers.prefix(2)))
            #expect(first.latestSequence == 3)
            let second = try await page(after: 2, size: 2)
            #expect(second.containerMovements.map(\.sequence) == [3])
            #expect(second.containerMovements.first?.containerNumber == Self.containers[2])
            #expect(try await page(after: 3, size: 2).containerMovements.isEmpty)
            #expect(try await page(after: 1, size: 0).containerMovements.map(\.sequence) == [2, 3])
        }
    }

    @Test(arguments: TestBackend.available)
    func concurrentSendsGetDistinctGaplessSequenceNumbers(_ backend: TestBackend) async throws {
        try await withDeals(backend) { h in
            let shipper = try await h.member(["shipperOrConsignee"])
            let containers = ["CPOU0000014", "CPOU0000020", "CPOU0000035", "CPOU0000040", "CPOU0000056", "CPOU0000061"]
            var deals: [String] = []
            for index in containers.indices {
                deals.append(try await h.create(shipper, businessType: "shipperOrConsignee", name: "Deal \(index)").name)
            }
            let forms = ContainerForms(h.client)
            // One slip per deal, all at once: the writers meet only at the feed's counter row.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (deal, container) in zip(deals, containers) {
                    group.addTask {
                        try await forms.sendCarryInSlip(
                            deal: deal, container: container, sizeType: "22G1", date: "2026-11-18", options: shipper.options)
                    }
                }
                try await group.waitForAll()
            }
            var request = Cyberport_Deals_V1_ListContainerMovementsRequest()
            request.pageSize = 100
            let page = try await Cyberport_Deals_V1_ContainerMovementServiceClient(h.client).listContainerMovements(
                request, options: try await h.identity.serviceOptions("stats"))
            #expect(page.containerMovements.map(\.sequence) == Array(1...Int64(containers.count)))
            #expect(Set(page.containerMovements.map(\.containerNumber)) == Set(containers))
            #expect(Set(page.containerMovements.map(\.deal)) == Set(deals))
            #expect(page.latestSequence == Int64(containers.count))
        }
    }
}
