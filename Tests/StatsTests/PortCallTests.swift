import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

@Suite("Arrival and departure reports", .timeLimit(.minutes(2)))
struct PortCallTests {
    static func arrival(grossTonnage: Int64 = 9_000, at seconds: Int64 = 1_767_225_600) -> Cyberport_Stats_V1_PortCallReport {
        var ship = Cyberport_Stats_V1_ShipParticulars()
        ship.callSign = "jd2345"
        ship.imoNumber = "9074729"
        ship.shipName = "さくら丸"
        ship.shipType = "container ship"
        ship.nationality = "jp"
        ship.grossTonnage = grossTonnage
        ship.lengthMetres = 145.5
        ship.foreDraftMetres = 7.2
        ship.aftDraftMetres = 8.1
        ship.masterName = "山田 一郎"
        var report = Cyberport_Stats_V1_PortCallReport()
        report.kind = .arrival
        report.ship = ship
        report.lastPort = "KRPUS"
        report.eventTime = Google_Protobuf_Timestamp(micros: seconds * 1_000_000)
        report.purpose = .cargo
        report.berth = "大井コンテナふ頭 O3"
        var cargo = Cyberport_Stats_V1_CargoOnBoard()
        cargo.description_p = "containers"
        cargo.tons = 12_000
        report.cargo = [cargo]
        var goods = Cyberport_Stats_V1_DangerousGoodsOnBoard()
        goods.imdgClass = "3"
        goods.unNumber = "1203"
        goods.quantityKg = 2_000
        report.dangerousGoods = [goods]
        report.crew = 18
        if grossTonnage >= 500 {
            var berthUse = Cyberport_Stats_V1_BerthUse()
            berthUse.berth = "O3"
            berthUse.startTime = Google_Protobuf_Timestamp(micros: seconds * 1_000_000)
            berthUse.endTime = Google_Protobuf_Timestamp(micros: (seconds + 86_400) * 1_000_000)
            report.berthUse = berthUse
        }
        return report
    }

    static func departure(at seconds: Int64) -> Cyberport_Stats_V1_PortCallReport {
        var report = arrival(grossTonnage: 300, at: seconds)
        report.kind = .departure
        report.lastPort = ""
        report.nextPort = "JPOSA"
        report.purpose = .unspecified
        report.berth = ""
        return report
    }

    @Test("agents file, amend and cancel; the authority reads all; others are denied", arguments: TestBackend.available)
    func lifecycle(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO"])
            try await stats.createPort("JPTYO", .a, by: authority)
            let agent = try await stats.member(["shippingAgent"])
            let carrier = try await stats.member(["oceanShipping"])
            let forwarder = try await stats.member(["forwarder"])

            let filed = try await stats.file(Self.arrival(), by: agent)
            #expect(filed.name.hasPrefix("ports/JPTYO/portCallReports/"))
            #expect(filed.state == .submitted && filed.revision == 1 && filed.filer == agent.organization)
            #expect(filed.ship?.callSign == "JD2345" && filed.ship?.imoNumber == "IMO9074729" && filed.ship?.nationality == "JP")
            #expect(filed.berthUseNoticeRequired)
            let departure = try await stats.file(Self.departure(at: 1_767_312_000), by: carrier)
            #expect(!departure.berthUseNoticeRequired)

            // The authority sees both; each filer only its own; a forwarder nothing.
            #expect(try await stats.listReports("JPTYO", by: authority).map(\.name) == [filed.name, departure.name])
            #expect(try await stats.listReports("JPTYO", by: agent).map(\.name) == [filed.name])
            #expect(try await stats.listReports("JPTYO", by: authority) { $0.kind = .departure }.map(\.name) == [departure.name])
            #expect(try await stats.listReports("JPTYO", by: authority) {
                $0.startTime = Google_Protobuf_Timestamp(micros: 1_767_300_000_000_000)
            }.map(\.name) == [departure.name])
            var get = Cyberport_Stats_V1_GetPortCallReportRequest()
            get.name = filed.name
            #expect(try await stats.portCalls.getPortCallReport(get, options: authority.options).name == filed.name)
            await expectRPCError(.permissionDenied) { try await stats.portCalls.getPortCallReport(get, options: carrier.options) }
            get.name = "ports/JPTYO/portCallReports/01a1fe4c-58df-7974-a1e6-a33417bc9120"
            await expectRPCError(.permissionDenied, "a report that does not exist, for a non-authority") {
                try await stats.portCalls.getPortCallReport(get, options: carrier.options)
            }
            await expectRPCError(.notFound) { try await stats.portCalls.getPortCallReport(get, options: authority.options) }
            await expectRPCError(.permissionDenied) { try await stats.file(Self.arrival(), by: forwarder) }
            await expectRPCError(.permissionDenied) { try await stats.listReports("JPTYO", by: forwarder) }

            // Amend (etag required, stale → ABORTED), then cancel; a cancelled report cannot change.
            var amend = Cyberport_Stats_V1_AmendPortCallReportRequest()
            var change = filed
            change.crew = 20
            change.remarks = "乗組員交代"
            amend.report = change
            amend.updateMask = fieldMask("crew", "remarks")
            let amended = try await stats.portCalls.amendPortCallReport(amend, options: agent.options)
            #expect(amended.crew == 20 && amended.state == .amended && amended.revision == 2 && amended.etag != filed.etag)
            await expectRPCError(.aborted, reason: "STALE_ETAG") { try await stats.portCalls.amendPortCallReport(amend, options: agent.options) }
            await expectRPCError(.permissionDenied, "the authority reads but does not amend") {
                try await stats.portCalls.amendPortCallReport(amend, options: authority.options)
            }
            var cancel = Cyberport_Stats_V1_CancelPortCallReportRequest()
            cancel.name = filed.name
            cancel.reason = "入港取りやめ"
            cancel.etag = amended.etag
            let cancelled = try await stats.portCalls.cancelPortCallReport(cancel, options: agent.options)
            #expect(cancelled.state == .cancelled && cancelled.cancelReason == "入港取りやめ")
            change.etag = cancelled.etag
            amend.report = change
            await expectRPCError(.failedPrecondition, reason: "CANCELLED") {
                try await stats.portCalls.amendPortCallReport(amend, options: agent.options)
            }
            #expect(try await stats.listReports("JPTYO", by: authority).map(\.name) == [departure.name])
            #expect(try await stats.listReports("JPTYO", by: authority) { $0.showCancelled = true }.count == 2)
        }
    }

    @Test("the report's rules: 20 GT exemption, berth use notice from 500 GT, IMO check digit, required ports", arguments: TestBackend.available)
    func validation(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO"])
            try await stats.createPort("JPTYO", .a, by: authority)
            let agent = try await stats.member(["shippingAgent"])
            await expectRPCError(.invalidArgument, field: "report.ship.gross_tonnage", reason: "EXEMPT_SHIP") {
                try await stats.file(Self.arrival(grossTonnage: 19), by: agent)
            }
            var noNotice = Self.arrival(grossTonnage: 500)
            noNotice.berthUse = nil
            await expectRPCError(.invalidArgument, field: "report.berth_use", reason: "BERTH_USE_NOTICE_REQUIRED") {
                try await stats.file(noNotice, by: agent)
            }
            var small = Self.arrival(grossTonnage: 499)
            #expect(try await stats.file(small, by: agent).berthUseNoticeRequired == false)
            small.berthUse = Self.arrival().berthUse
            await expectRPCError(.invalidArgument, field: "report.berth_use") { try await stats.file(small, by: agent) }
            var badIMO = Self.arrival()
            badIMO.ship?.imoNumber = "IMO9074728"
            await expectRPCError(.invalidArgument, field: "report.ship.imo_number", reason: "IMO_CHECK_DIGIT") {
                try await stats.file(badIMO, by: agent)
            }
            var noLastPort = Self.arrival()
            noLastPort.lastPort = ""
            await expectRPCError(.invalidArgument, field: "report.last_port") { try await stats.file(noLastPort, by: agent) }
            var noNextPort = Self.departure(at: 1_767_312_000)
            noNextPort.nextPort = "jposa"
            await expectRPCError(.invalidArgument, field: "report.next_port") { try await stats.file(noNextPort, by: agent) }
            var badGoods = Self.arrival()
            badGoods.dangerousGoods[0].imdgClass = "10"
            await expectRPCError(.invalidArgument, field: "report.dangerous_goods[0].imdg_class") { try await stats.file(badGoods, by: agent) }
            var request = Cyberport_Stats_V1_SubmitPortCallReportRequest()
            request.parent = "ports/JPOSA"
            request.report = Self.arrival()
            await expectRPCError(.notFound, "an unregistered port") { try await stats.portCalls.submitPortCallReport(request, options: agent.options) }
        }
    }

    @Test("lists page by event time", arguments: TestBackend.available)
    func pagination(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO"])
            try await stats.createPort("JPTYO", .a, by: authority)
            let agent = try await stats.member(["coastalFeeder"])
            var names: [String] = []
            for hour in [5, 1, 3, 2, 4] as [Int64] {
                names.append(try await stats.file(Self.arrival(at: 1_767_225_600 + hour * 3600), by: agent).name)
            }
            let expected = [names[1], names[3], names[2], names[4], names[0]]
            var seen: [String] = []
            var token = ""
            repeat {
                var request = Cyberport_Stats_V1_ListPortCallReportsRequest()
                request.parent = "ports/JPTYO"
                request.pageSize = 2
                request.pageToken = token
                let page = try await stats.portCalls.listPortCallReports(request, options: authority.options)
                seen += page.reports.map(\.name)
                token = page.nextPageToken
            } while !token.isEmpty
            #expect(seen == expected)
        }
    }
}

extension StatsHarness {
    func file(_ report: Cyberport_Stats_V1_PortCallReport, port: String = "JPTYO", by member: Member) async throws -> Cyberport_Stats_V1_PortCallReport {
        var request = Cyberport_Stats_V1_SubmitPortCallReportRequest()
        request.parent = "ports/\(port)"
        request.report = report
        return try await portCalls.submitPortCallReport(request, options: member.options)
    }

    func listReports(
        _ port: String, by member: Member, configure: (inout Cyberport_Stats_V1_ListPortCallReportsRequest) -> Void = { _ in }
    ) async throws -> [Cyberport_Stats_V1_PortCallReport] {
        var request = Cyberport_Stats_V1_ListPortCallReportsRequest()
        request.parent = "ports/\(port)"
        request.pageSize = 100
        configure(&request)
        return try await portCalls.listPortCallReports(request, options: member.options).reports
    }
}
