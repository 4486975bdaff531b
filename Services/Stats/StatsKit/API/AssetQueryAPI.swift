import Logging
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// AssetQueryService: questions over a port's facility ledger (the port authority): overdue inspections, the grade
/// distribution, ageing and planned spending.
struct AssetQueryAPI: Cyberport_Stats_V1_AssetQueryServiceProvider {
    let context: StatsContext

    func listOverdueInspections(
        request: Cyberport_Stats_V1_ListOverdueInspectionsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ListOverdueInspectionsResponse {
        let port = try authorize(request.port, serverContext)
        let asOf = try asOfDate(request.asOf)
        let cursor = try context.pagination.cursor(
            pageSize: request.pageSize, pageToken: request.pageToken, query: "\(port)|\(asOf)")
        let overdue = try await context.read { session in
            try Self.overdue(
                facilities: try FacilityQueries(session: session).list(port: port, category: nil, after: nil, limit: 0),
                inspections: try InspectionQueries(session: session).lastPeriodicInspections(port: port),
                plans: Dictionary(
                    try InspectionQueries(session: session).plans(port: port).map { ($0.facilityID, $0) },
                    uniquingKeysWith: { a, _ in a }),
                asOf: asOf)
        }
        let rows = Array(overdue.filter { $0.key > (cursor.after ?? "") }.prefix(cursor.pageSize + 1))
        let page = context.pagination.page(rows, cursor: cursor, key: \.key)
        var response = Cyberport_Stats_V1_ListOverdueInspectionsResponse()
        response.overdue = page.rows.map(\.entry)
        response.nextPageToken = page.nextPageToken
        return response
    }

    /// Facilities whose next general (every 5 years, or the plan's interval; a detailed one counts too) or detailed
    /// (every 10 years) periodic inspection was due before `asOf`, counted from the last one or from construction.
    static func overdue(
        facilities: [FacilityRecord], inspections: [String: (general: String?, detailed: String?)],
        plans: [String: MaintenancePlanRecord], asOf: CalendarDate
    ) throws -> [(key: String, entry: Cyberport_Stats_V1_OverdueInspection)] {
        var result: [(key: String, entry: Cyberport_Stats_V1_OverdueInspection)] = []
        for facility in facilities {
            guard let built = CalendarDate(facility.facility.constructionDate) else { continue }
            let last = inspections[facility.id] ?? (nil, nil)
            let lastGeneral = [last.general, last.detailed].compactMap { $0 }.max()
            let checks: [(Cyberport_Stats_V1_InspectionKind, String?, Int)] = [
                (.generalPeriodic, lastGeneral, plans[facility.id]?.generalInterval ?? 5),
                (.detailedPeriodic, last.detailed, plans[facility.id]?.detailedInterval ?? 10),
            ]
            for (kind, lastDate, interval) in checks {
                let base = lastDate.flatMap(CalendarDate.init) ?? built
                let due = base.adding(years: interval)
                guard due < asOf else { continue }
                var entry = Cyberport_Stats_V1_OverdueInspection()
                entry.facility = StatsName.facility(facility.port, facility.id)
                entry.displayName = facility.facility.displayName
                entry.kind = kind
                entry.dueDate = due.description
                entry.lastInspectionDate = lastDate ?? ""
                result.append(("\(facility.id)|\(kind.rawValue)", entry))
            }
        }
        return result.sorted { $0.key < $1.key }
    }

    func getGradeDistribution(
        request: Cyberport_Stats_V1_GetGradeDistributionRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_GradeDistribution {
        let port = try authorize(request.port, serverContext)
        let facilities = try await context.read { session in
            try FacilityQueries(session: session).list(port: port, category: nil, after: nil, limit: 0)
        }
        var distribution = Cyberport_Stats_V1_GradeDistribution()
        distribution.port = port
        for facility in facilities {
            switch facility.performanceGrade {
            case .a: distribution.gradeA += 1
            case .b: distribution.gradeB += 1
            case .c: distribution.gradeC += 1
            case .d: distribution.gradeD += 1
            default: distribution.ungraded += 1
            }
        }
        distribution.total = Int32(facilities.count)
        return distribution
    }

    func getFacilityAgeing(
        request: Cyberport_Stats_V1_GetFacilityAgeingRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_FacilityAgeing {
        let port = try authorize(request.port, serverContext)
        let asOf = try asOfDate(request.asOf)
        let facilities = try await context.read { session in
            try FacilityQueries(session: session).list(port: port, category: nil, after: nil, limit: 0)
        }
        let ages = facilities.compactMap { CalendarDate($0.facility.constructionDate)?.wholeYears(until: asOf) }
        var ageing = Cyberport_Stats_V1_FacilityAgeing()
        ageing.port = port
        ageing.asOf = asOf.description
        ageing.bands = stride(from: 0, through: 50, by: 10).map { lower in
            var band = Cyberport_Stats_V1_AgeBand()
            band.minYears = Int32(lower)
            band.maxYears = lower == 50 ? 0 : Int32(lower + 10)
            band.facilities = Int32(ages.filter { $0 >= lower && (lower == 50 || $0 < lower + 10) }.count)
            return band
        }
        ageing.fiftyYearsOrOlder = Int32(ages.filter { $0 >= 50 }.count)
        ageing.meanAgeYears = ages.isEmpty ? 0 : Int32(ages.reduce(0, +) / ages.count)
        ageing.total = Int32(ages.count)
        return ageing
    }

    func getPlannedSpending(
        request: Cyberport_Stats_V1_GetPlannedSpendingRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_PlannedSpending {
        let port = try authorize(request.port, serverContext)
        let from = try Input.integer(request.fromYear, field: "from_year", in: 2000...2200)
        let to = try Input.integer(request.toYear, field: "to_year", in: from...min(2200, from + 100))
        let plans = try await context.read { session in try InspectionQueries(session: session).plans(port: port) }
        var byYear: [Int32: (cost: Int64, count: Int32)] = [:]
        for plan in plans {
            for intervention in plan.plan.interventions where intervention.year >= from && intervention.year <= to {
                let entry = byYear[intervention.year] ?? (0, 0)
                byYear[intervention.year] = (entry.cost + intervention.estimatedCostYen, entry.count + 1)
            }
        }
        var spending = Cyberport_Stats_V1_PlannedSpending()
        spending.port = port
        spending.years = (from...to).map { year in
            var entry = Cyberport_Stats_V1_YearSpending()
            entry.year = year
            entry.costYen = byYear[year]?.cost ?? 0
            entry.interventions = byYear[year]?.count ?? 0
            return entry
        }
        spending.totalCostYen = spending.years.reduce(0) { $0 + $1.costYen }
        return spending
    }

    /// The port of a query when the caller is its authority.
    private func authorize(_ name: String, _ serverContext: ServerContext) throws -> String {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(name, field: "port")
        try caller.requireAuthority(port, "query its assets")
        return port
    }

    private func asOfDate(_ text: String) throws -> CalendarDate {
        text.isEmpty ? CalendarDate.today() : try CalendarDate.parse(text, field: "as_of")
    }
}
