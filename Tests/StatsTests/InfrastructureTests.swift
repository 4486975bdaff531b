import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

@Suite("Facility ledger, inspections and asset queries", .timeLimit(.minutes(2)))
struct InfrastructureTests {
    static func facility(_ name: String, built: String, type: String = "quayWall") -> Cyberport_Stats_V1_Facility {
        var facility = Cyberport_Stats_V1_Facility()
        facility.displayName = name
        facility.category = "mooring"
        facility.facilityType = type
        var point = Cyberport_Stats_V1_GeoPoint()
        point.latitude = 35.59
        point.longitude = 139.78
        facility.location = .point(point)
        facility.structure = "重力式（ケーソン）"
        facility.lengthMetres = 330
        facility.depthMetres = 15
        facility.designVessel = "コンテナ船 50,000 DWT"
        facility.owner = "国"
        facility.manager = "東京都"
        facility.constructionDate = built
        return facility
    }

    static func member(_ name: String, _ grade: Cyberport_Stats_V1_DeteriorationGrade, secondary: Bool = false) -> Cyberport_Stats_V1_MemberGrade {
        var member = Cyberport_Stats_V1_MemberGrade()
        member.member = name
        member.grade = grade
        member.secondary = secondary
        return member
    }

    @Test("the ledger, the grade roll-up and the asset queries", arguments: TestBackend.available)
    func ledger(backend: TestBackend) async throws {
        try await withStats(backend) { stats in
            let authority = try await stats.portAuthority(["JPTYO"])
            let other = try await stats.portAuthority(["JPOSA"])
            try await stats.createPort("JPTYO", .a, by: authority)
            let old = try await stats.createFacility(Self.facility("品川ふ頭 S1", built: "1967-04-01"), by: authority)
            #expect(old.name.hasPrefix("ports/JPTYO/facilities/") && old.performanceGrade == .unspecified)
            let young = try await stats.createFacility(Self.facility("中央防波堤 Y2", built: "2020-03-31"), by: authority)
            var geo = Self.facility("東京港第一航路", built: "1990-10-01", type: "channel")
            geo.category = "waterArea"
            geo.location = .geojson(#"{"type":"LineString","coordinates":[[139.80,35.60],[139.78,35.55]]}"#)
            let channel = try await stats.createFacility(geo, by: authority)

            // Only the port's authority; bad vocabulary and geometry are named.
            await expectRPCError(.permissionDenied) { try await stats.createFacility(Self.facility("x", built: "2000-01-01"), by: other) }
            var get = Cyberport_Stats_V1_GetFacilityRequest()
            get.name = old.name
            await expectRPCError(.permissionDenied) { try await stats.facilities.getFacility(get, options: other.options) }
            await expectRPCError(.invalidArgument, field: "facility.facility_type") {
                try await stats.createFacility(Self.facility("x", built: "2000-01-01", type: "breakwater"), by: authority)
            }
            var badGeo = geo
            badGeo.location = .geojson(#"{"type":"Circle","radius":3}"#)
            await expectRPCError(.invalidArgument, field: "facility.geojson") { try await stats.createFacility(badGeo, by: authority) }
            await expectRPCError(.invalidArgument, field: "facility.construction_date") {
                try await stats.createFacility(Self.facility("x", built: "2023-02-29"), by: authority)
            }

            // History and update with etags.
            var work = Cyberport_Stats_V1_AddFacilityWorkRequest()
            work.facility = old.name
            var entry = Cyberport_Stats_V1_FacilityWork()
            entry.date = "2001-06-30"
            entry.kind = .strengthening
            entry.description_p = "耐震補強"
            entry.costYen = 1_200_000_000
            work.work = entry
            let worked = try await stats.facilities.addFacilityWork(work, options: authority.options)
            #expect(worked.history.map(\.description_p) == ["耐震補強"])
            var update = Cyberport_Stats_V1_UpdateFacilityRequest()
            var changed = old
            changed.depthMetres = 16
            update.facility = changed
            update.updateMask = fieldMask("depth_metres")
            await expectRPCError(.aborted) { try await stats.facilities.updateFacility(update, options: authority.options) }
            changed.etag = worked.etag
            update.facility = changed
            #expect(try await stats.facilities.updateFacility(update, options: authority.options).depthMetres == 16)

            // Grades: the worst primary member; secondary members at most C; the latest graded inspection counts.
            let first = try await stats.inspect(old, .generalPeriodic, "2019-05-10", [Self.member("上部工", .c), Self.member("防舷材", .a, secondary: true)], by: authority)
            #expect(first.performanceGrade == .c)
            let second = try await stats.inspect(old, .detailedPeriodic, "2024-05-10", [Self.member("鋼管杭", .b), Self.member("上部工", .d)], by: authority)
            #expect(second.performanceGrade == .b)
            _ = try await stats.inspect(old, .routine, "2025-01-10", [], by: authority)
            let older = try await stats.inspect(young, .generalPeriodic, "2024-01-01", [Self.member("本体", .d)], by: authority)
            #expect(older.performanceGrade == .d)
            get.name = old.name
            let graded = try await stats.facilities.getFacility(get, options: authority.options)
            #expect(graded.performanceGrade == .b && graded.lastInspectionDate == "2025-01-10")
            await expectRPCError(.invalidArgument, field: "inspection.members") {
                try await stats.inspect(old, .routine, "2025-01-11", [Self.member("上部工", .d)], by: authority)
            }
            await expectRPCError(.invalidArgument, field: "inspection.date") {
                try await stats.inspect(old, .routine, "2999-01-01", [], by: authority)
            }
            var listInspections = Cyberport_Stats_V1_ListInspectionsRequest()
            listInspections.parent = old.name
            listInspections.pageSize = 2
            let page = try await stats.inspections.listInspections(listInspections, options: authority.options)
            #expect(page.inspections.map(\.date) == ["2019-05-10", "2024-05-10"] && !page.nextPageToken.isEmpty)

            // Grade distribution, overdue inspections, ageing.
            var distribution = Cyberport_Stats_V1_GetGradeDistributionRequest()
            distribution.port = "ports/JPTYO"
            let grades = try await stats.assets.getGradeDistribution(distribution, options: authority.options)
            #expect(grades.gradeB == 1 && grades.gradeD == 1 && grades.ungraded == 1 && grades.total == 3)
            var overdue = Cyberport_Stats_V1_ListOverdueInspectionsRequest()
            overdue.port = "ports/JPTYO"
            overdue.asOf = "2026-01-01"
            let late = try await stats.assets.listOverdueInspections(overdue, options: authority.options).overdue
            // old: general due 2029 (detailed 2024 counts), detailed due 2034 → none. young: detailed due 2030 → none,
            // general 2029 → none. channel: never inspected, built 1990 → both overdue.
            #expect(late.map(\.facility) == [channel.name, channel.name])
            #expect(late.map(\.kind) == [.generalPeriodic, .detailedPeriodic])
            #expect(late.map(\.dueDate) == ["1995-10-01", "2000-10-01"])
            overdue.asOf = "2030-06-01"
            let later = try await stats.assets.listOverdueInspections(overdue, options: authority.options).overdue
            #expect(Set(later.map(\.facility)) == [old.name, young.name, channel.name])
            var ageing = Cyberport_Stats_V1_GetFacilityAgeingRequest()
            ageing.port = "ports/JPTYO"
            ageing.asOf = "2026-04-01"
            let ages = try await stats.assets.getFacilityAgeing(ageing, options: authority.options)
            #expect(ages.fiftyYearsOrOlder == 1 && ages.total == 3)
            #expect(ages.bands.map(\.facilities) == [1, 0, 0, 1, 0, 1])  // 6, 35 and 59 years
            #expect(ages.meanAgeYears == (6 + 35 + 59) / 3)

            // Maintenance plans and planned spending.
            var plan = Cyberport_Stats_V1_MaintenancePlan()
            plan.name = old.name + "/maintenancePlan"
            plan.targetServiceLifeYears = 80
            plan.interventions = [(2027, 300_000_000), (2029, 50_000_000), (2027, 20_000_000)].map { year, cost in
                var intervention = Cyberport_Stats_V1_PlannedIntervention()
                intervention.year = Int32(year)
                intervention.description_p = "上部工 断面修復"
                intervention.estimatedCostYen = Int64(cost)
                return intervention
            }
            var updatePlan = Cyberport_Stats_V1_UpdateMaintenancePlanRequest()
            updatePlan.plan = plan
            updatePlan.updateMask = fieldMask("target_service_life_years", "interventions")
            let saved = try await stats.inspections.updateMaintenancePlan(updatePlan, options: authority.options)
            #expect(saved.generalInspectionIntervalYears == 5 && saved.interventions.count == 3 && !saved.etag.isEmpty)
            await expectRPCError(.permissionDenied) { try await stats.inspections.updateMaintenancePlan(updatePlan, options: other.options) }
            var spending = Cyberport_Stats_V1_GetPlannedSpendingRequest()
            spending.port = "ports/JPTYO"
            spending.fromYear = 2026
            spending.toYear = 2029
            let planned = try await stats.assets.getPlannedSpending(spending, options: authority.options)
            #expect(planned.years.map(\.costYen) == [0, 320_000_000, 0, 50_000_000])
            #expect(planned.totalCostYen == 370_000_000)
        }
    }
}

extension StatsHarness {
    func createFacility(_ facility: Cyberport_Stats_V1_Facility, port: String = "JPTYO", by member: Member) async throws -> Cyberport_Stats_V1_Facility {
        var request = Cyberport_Stats_V1_CreateFacilityRequest()
        request.parent = "ports/\(port)"
        request.facility = facility
        return try await facilities.createFacility(request, options: member.options)
    }

    func inspect(
        _ facility: Cyberport_Stats_V1_Facility, _ kind: Cyberport_Stats_V1_InspectionKind, _ date: String,
        _ members: [Cyberport_Stats_V1_MemberGrade], by member: Member
    ) async throws -> Cyberport_Stats_V1_Inspection {
        var inspection = Cyberport_Stats_V1_Inspection()
        inspection.kind = kind
        inspection.date = date
        inspection.inspector = "港湾技術コンサルタンツ"
        inspection.members = members
        var request = Cyberport_Stats_V1_RecordInspectionRequest()
        request.parent = facility.name
        request.inspection = inspection
        return try await inspections.recordInspection(request, options: member.options)
    }
}
