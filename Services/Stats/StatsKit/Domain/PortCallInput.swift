import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

/// The rules of an arrival or departure report (港則法 施行規則 §1, 第1号様式): which fields each kind needs, the 20 GT
/// exemption and the berth use notice of ships of 500 GT and more.
enum PortCallInput {
    /// Ships under this gross tonnage need no report.
    static let exemptBelow: Int64 = 20
    /// Ships of this gross tonnage and more give a berth use notice with their arrival report.
    static let berthUseNoticeFrom: Int64 = 500

    /// The fields AmendPortCallReport may change.
    static let amendable = [
        "ship", "first_port", "last_port", "next_port", "event_time", "purpose", "berth", "cargo", "dangerous_goods",
        "crew", "passengers", "agent_name", "remarks", "berth_use",
    ]

    /// Copies the fields of `paths` from `input` into `report`.
    static func copy(_ paths: Set<String>, from input: Cyberport_Stats_V1_PortCallReport, to report: inout Cyberport_Stats_V1_PortCallReport) {
        for path in paths {
            switch path {
            case "ship": report.ship = input.ship
            case "first_port": report.firstPort = input.firstPort
            case "last_port": report.lastPort = input.lastPort
            case "next_port": report.nextPort = input.nextPort
            case "event_time": report.eventTime = input.eventTime
            case "purpose": report.purpose = input.purpose
            case "berth": report.berth = input.berth
            case "cargo": report.cargo = input.cargo
            case "dangerous_goods": report.dangerousGoods = input.dangerousGoods
            case "crew": report.crew = input.crew
            case "passengers": report.passengers = input.passengers
            case "agent_name": report.agentName = input.agentName
            case "remarks": report.remarks = input.remarks
            case "berth_use": report.berthUse = input.berthUse
            default: break
            }
        }
    }

    /// Validates the whole report (its kind set) and normalises it; sets berth_use_notice_required. Errors name the
    /// field with `prefix` ("report.").
    static func validate(_ report: inout Cyberport_Stats_V1_PortCallReport, prefix: String) throws {
        let arrival = report.kind == .arrival
        guard var ship = report.ship else {
            throw APIError.invalidArgument(field: prefix + "ship", "the ship's particulars are required", reason: "REQUIRED_FIELD")
        }
        try validate(&ship, prefix: prefix + "ship.")
        report.ship = ship
        if !report.firstPort.isEmpty { _ = try UNLocode.check(report.firstPort, field: prefix + "first_port") }
        if arrival || !report.lastPort.isEmpty {
            guard !report.lastPort.isEmpty else {
                throw APIError.invalidArgument(field: prefix + "last_port", "an arrival names the last port", reason: "REQUIRED_FIELD")
            }
            _ = try UNLocode.check(report.lastPort, field: prefix + "last_port")
        }
        if !arrival || !report.nextPort.isEmpty {
            guard !report.nextPort.isEmpty else {
                throw APIError.invalidArgument(field: prefix + "next_port", "a departure names the next port", reason: "REQUIRED_FIELD")
            }
            _ = try UNLocode.check(report.nextPort, field: prefix + "next_port")
        }
        guard let eventTime = report.eventTime, eventTime.micros > 946_684_800_000_000 else {
            throw APIError.invalidArgument(
                field: prefix + "event_time", "the \(arrival ? "arrival" : "departure") time is required (after 2000-01-01)",
                reason: "REQUIRED_FIELD")
        }
        if arrival || report.purpose != .unspecified {
            report.purpose = try Input.known(report.purpose, field: prefix + "purpose")
        }
        report.berth = arrival
            ? try Input.required(report.berth, field: prefix + "berth", max: 100)
            : try Input.optional(report.berth, field: prefix + "berth", max: 100)
        guard report.cargo.count <= 100 else { throw APIError.invalidArgument(field: prefix + "cargo", "at most 100 entries") }
        for index in report.cargo.indices {
            let field = "\(prefix)cargo[\(index)]."
            report.cargo[index].description_p = try Input.required(report.cargo[index].description_p, field: field + "description", max: 100)
            _ = try Input.integer(report.cargo[index].tons, field: field + "tons", in: 0...1_000_000_000)
        }
        guard report.dangerousGoods.count <= 100 else {
            throw APIError.invalidArgument(field: prefix + "dangerous_goods", "at most 100 entries")
        }
        for index in report.dangerousGoods.indices {
            let field = "\(prefix)dangerous_goods[\(index)]."
            let goods = report.dangerousGoods[index]
            guard IMDGClass.isValid(goods.imdgClass) else {
                throw APIError.invalidArgument(field: field + "imdg_class", "\"\(goods.imdgClass)\" is not an IMDG class (e.g. 3, 2.1, 1.4S)")
            }
            if !goods.unNumber.isEmpty, goods.unNumber.utf8.count != 4 || !goods.unNumber.allSatisfy(\.isASCIIDigitCharacter) {
                throw APIError.invalidArgument(field: field + "un_number", "a UN number has 4 digits")
            }
            _ = try Input.integer(goods.quantityKg, field: field + "quantity_kg", in: 1...1_000_000_000_000)
        }
        _ = try Input.integer(report.crew, field: prefix + "crew", in: 0...100_000)
        _ = try Input.integer(report.passengers, field: prefix + "passengers", in: 0...100_000)
        report.agentName = try Input.optional(report.agentName, field: prefix + "agent_name", max: 100)
        report.remarks = try Input.optional(report.remarks, field: prefix + "remarks", max: 2000)
        let notice = arrival && ship.grossTonnage >= berthUseNoticeFrom
        report.berthUseNoticeRequired = notice
        if notice {
            guard var berthUse = report.berthUse else {
                throw APIError.invalidArgument(
                    field: prefix + "berth_use",
                    "a ship of \(berthUseNoticeFrom) GT or more gives a berth use notice (係留施設使用届) with its arrival report",
                    reason: "BERTH_USE_NOTICE_REQUIRED")
            }
            berthUse.berth = try Input.required(berthUse.berth, field: prefix + "berth_use.berth", max: 100)
            guard let start = berthUse.startTime, let end = berthUse.endTime else {
                throw APIError.invalidArgument(
                    field: prefix + "berth_use.start_time", "the berth is used from start_time to end_time; both are required",
                    reason: "REQUIRED_FIELD")
            }
            guard end.micros > start.micros else {
                throw APIError.invalidArgument(field: prefix + "berth_use.end_time", "must be after start_time")
            }
            report.berthUse = berthUse
        } else if report.berthUse != nil {
            throw APIError.invalidArgument(
                field: prefix + "berth_use",
                "only arrivals of ships of \(berthUseNoticeFrom) GT or more give a berth use notice")
        }
    }

    private static func validate(_ ship: inout Cyberport_Stats_V1_ShipParticulars, prefix: String) throws {
        let callSign = ship.callSign.uppercased()
        guard (4...7).contains(callSign.utf8.count), callSign.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw APIError.invalidArgument(field: prefix + "call_sign", "signal letters are 4–7 letters and digits, e.g. JD2345")
        }
        ship.callSign = callSign
        ship.imoNumber = try IMOShipNumber.check(ship.imoNumber, field: prefix + "imo_number")
        ship.shipName = try Input.required(ship.shipName, field: prefix + "ship_name", max: 100)
        ship.shipType = try Input.required(ship.shipType, field: prefix + "ship_type", max: 50)
        let nationality = ship.nationality.uppercased()
        guard nationality.utf8.count == 2, nationality.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw APIError.invalidArgument(field: prefix + "nationality", "the flag state as ISO 3166-1 alpha-2, e.g. JP")
        }
        ship.nationality = nationality
        ship.portOfRegistry = try Input.optional(ship.portOfRegistry, field: prefix + "port_of_registry", max: 50)
        guard ship.grossTonnage >= exemptBelow else {
            throw APIError.invalidArgument(
                field: prefix + "gross_tonnage",
                "ships under \(exemptBelow) GT are exempt from arrival and departure reports (got \(ship.grossTonnage))",
                reason: "EXEMPT_SHIP")
        }
        _ = try Input.integer(ship.grossTonnage, field: prefix + "gross_tonnage", in: exemptBelow...1_000_000)
        _ = try Input.number(ship.lengthMetres, field: prefix + "length_metres", in: 1...600)
        _ = try Input.number(ship.foreDraftMetres, field: prefix + "fore_draft_metres", in: 0...40)
        _ = try Input.number(ship.aftDraftMetres, field: prefix + "aft_draft_metres", in: 0...40)
        _ = try Input.number(ship.speedKnots, field: prefix + "speed_knots", in: 0...60)
        ship.owner = try Input.optional(ship.owner, field: prefix + "owner", max: 100)
        ship.operatorName = try Input.optional(ship.operatorName, field: prefix + "operator_name", max: 100)
        ship.masterName = try Input.required(ship.masterName, field: prefix + "master_name", max: 100)
    }
}

/// IMDG classes and divisions: 1.1–1.6 with an optional compatibility group letter (A–S), 2.1–2.3, 3, 4.1–4.3,
/// 5.1–5.2, 6.1–6.2, 7, 8, 9.
enum IMDGClass {
    private static let plain: Set<String> = [
        "2.1", "2.2", "2.3", "3", "4.1", "4.2", "4.3", "5.1", "5.2", "6.1", "6.2", "7", "8", "9",
    ]

    static func isValid(_ text: String) -> Bool {
        if plain.contains(text) { return true }
        let characters = Array(text)
        guard characters.count == 3 || characters.count == 4, characters[0] == "1", characters[1] == ".",
            let division = characters[2].wholeNumberValue, (1...6).contains(division)
        else { return false }
        return characters.count == 3 || ("A"..."S").contains(characters[3])
    }
}
