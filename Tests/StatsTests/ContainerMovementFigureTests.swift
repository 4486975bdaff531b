import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortStore
import StatsKit
import Testing

/// The platform's container figures end to end: shippers send carry-in slips on Deals, Stats ingests Deals'
/// container movement feed with its service credential, and each port authority sees the counts and TEU of its own
/// port and month — nobody else's.
@Suite(.timeLimit(.minutes(5)))
struct ContainerMovementFigureTests {
    @Test(arguments: TestBackend.available)
    func portAuthoritySeesTheCarryInsOfItsPort(_ backend: TestBackend) async throws {
        try await withFeed(backend) { h in
            let tokyo = try await h.stats.portAuthority(["JPTYO"])
            let osaka = try await h.stats.portAuthority(["JPOSA"])
            let shipper = try await h.stats.member(["shipperOrConsignee"])
            let forms = ContainerForms(h.dealsClient)

            // Tokyo, November (JST): 20', 40' HC and 45' laden, one 20' empty; December: one 40' carried in at 08:00
            // on December 1st (still November in UTC).
            let fromTokyo = try await h.exportDeal(shipper, name: "Tokyo export")
            for (container, size, load) in [
                ("ONEU0000012", "22G1", ""), ("ONEU0000028", "45G1", "F"), ("ONEU0000033", "L5G1", ""),
                ("MAEU3000017", "22G1", "E"),
            ] {
                try await forms.sendCarryInSlip(
                    deal: fromTokyo.name, container: container, sizeType: size, date: "2026-11-18", time: "0930",
                    fullOrEmpty: load, options: shipper.options)
            }
            try await forms.sendCarryInSlip(
                deal: fromTokyo.name, container: "MAEU3000022", sizeType: "42G1", date: "2026-12-01", time: "0800",
                options: shipper.options)
            // Osaka, November: one 20'.
            let fromOsaka = try await h.exportDeal(shipper, name: "Osaka export")
            try await forms.sendCarryInSlip(
                deal: fromOsaka.name, container: "TCLU7654320", sizeType: "22G1", date: "2026-11-20",
                portOfLoading: "JPOSA", options: shipper.options)

            // Nothing is counted before the feed is read.
            #expect(try await h.figures("JPTYO", year: 2026, month: 11, by: tokyo).figure(.carryIn)?.containers == 0)
            #expect(try await h.ingestor.ingestAvailable() == 6)

            let november = try await h.figures("JPTYO", year: 2026, month: 11, by: tokyo)
            #expect(november.name == "ports/JPTYO/containerMovementFigures/2026-11")
            #expect(november.figures.map(\.kind) == [.carryIn, .carryOut, .gateIn, .gateOut])
            let carryIns = try #require(november.figure(.carryIn))
            #expect(carryIns.containers == 4)
            #expect(carryIns.fullContainers == 3)
            #expect(carryIns.emptyContainers == 1)
            // 1 + 2 + 2.25 laden, 1 empty.
            #expect(carryIns.teuHundredths == 625)
            #expect(carryIns.fullTeuHundredths == 525)
            #expect(carryIns.emptyTeuHundredths == 100)
            #expect(november.figures.dropFirst().allSatisfy { $0.containers == 0 && $0.teuHundredths == 0 })
            #expect(november.ingestedThroughSequence == 6)
            #expect(november.ingestTime != nil)

            let december = try #require(try await h.figures("JPTYO", year: 2026, month: 12, by: tokyo).figure(.carryIn))
            #expect(december.containers == 1)
            #expect(december.teuHundredths == 200)
            let year = try #require(try await h.figures("JPTYO", year: 2026, month: 0, by: tokyo).figure(.carryIn))
            #expect(year.containers == 5)
            #expect(year.teuHundredths == 825)
            #expect(year.fullTeuHundredths == 725)

            // Osaka's authority sees Osaka's slip only, and none of Tokyo's figures.
            let osakaNovember = try #require(try await h.figures("JPOSA", year: 2026, month: 11, by: osaka).figure(.carryIn))
            #expect(osakaNovember.containers == 1)
            #expect(osakaNovember.teuHundredths == 100)
            await expectRPCError(.permissionDenied, reason: "PERMISSION_DENIED") {
                try await h.figures("JPTYO", year: 2026, month: 11, by: osaka)
            }
            await expectRPCError(.permissionDenied) { try await h.figures("JPOSA", year: 2026, month: 11, by: tokyo) }
            await expectRPCError(.permissionDenied, "the shipper") {
                try await h.figures("JPTYO", year: 2026, month: 11, by: shipper)
            }
            await expectRPCError(.invalidArgument, field: "month") {
                try await h.figures("JPTYO", year: 2026, month: 13, by: tokyo)
            }
            await expectRPCError(.invalidArgument, field: "port") {
                var request = Cyberport_Stats_V1_GetContainerMovementFiguresRequest()
                request.port = "JPTYO"
                request.year = 2026
                return try await h.tables.getContainerMovementFigures(request, options: tokyo.options)
            }

            // A restarted ingestor, or one that lost its cursor, counts nothing twice.
            #expect(try await h.restartedIngestor().ingestAvailable() == 0)
            try await h.stats.store.write { session in
                try session.execute("UPDATE feed_cursors SET last_sequence = 0", [])
            }
            try await h.restartedIngestor().ingestAvailable()
            let again = try await h.figures("JPTYO", year: 2026, month: 11, by: tokyo)
            #expect(again.figure(.carryIn) == carryIns)
            #expect(again.ingestedThroughSequence == 6)
            // A feed that ends below the cursor (Deals' database replaced) is not read at all.
            try await h.stats.store.write { session in
                try session.execute("UPDATE feed_cursors SET last_sequence = 100", [])
            }
            await #expect(throws: (any Error).self) { try await h.restartedIngestor().ingestAvailable() }
            #expect(try await h.figures("JPTYO", year: 2026, month: 11, by: tokyo).figure(.carryIn) == carryIns)
        }
    }

    @Test(arguments: TestBackend.available)
    func theBackgroundIngestorFollowsTheFeedAcrossRestarts(_ backend: TestBackend) async throws {
        try await withFeed(backend) { h in
            let tokyo = try await h.stats.portAuthority(["JPTYO"])
            let shipper = try await h.stats.member(["shipperOrConsignee"])
            let forms = ContainerForms(h.dealsClient)
            let deal = try await h.exportDeal(shipper, name: "Tokyo export")
            let containers = ["ONEU0000012", "ONEU0000028", "ONEU0000033"]
            try await forms.sendCarryInSlip(
                deal: deal.name, container: containers[0], sizeType: "45G1", date: "2026-11-18", options: shipper.options)

            await h.instance.start()
            try await waitForCarryIns(h, count: 1, by: tokyo)
            await h.instance.drain()

            // Stopped: slips sent meanwhile wait in the feed; a new ingestor picks them up once, from the cursor.
            for container in containers.dropFirst() {
                try await forms.sendCarryInSlip(
                    deal: deal.name, container: container, sizeType: "22G1", date: "2026-11-19", options: shipper.options)
            }
            let restarted = h.restartedIngestor()
            await restarted.start()
            try await waitForCarryIns(h, count: 3, by: tokyo)
            await restarted.stop()
            let figure = try #require(try await h.figures("JPTYO", year: 2026, month: 11, by: tokyo).figure(.carryIn))
            #expect(figure.containers == 3)
            #expect(figure.teuHundredths == 400)
        }
    }

    /// Waits (up to 30 s) until the figures of JPTYO, November 2026, count `count` carry-ins; fails otherwise.
    private func waitForCarryIns(_ h: FeedHarness, count: Int64, by member: Member) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(30))
        while clock.now < deadline {
            let figures = try await h.figures("JPTYO", year: 2026, month: 11, by: member)
            if figures.figure(.carryIn)?.containers == count { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the ingestor did not count \(count) carry-ins within 30 s")
    }
}
