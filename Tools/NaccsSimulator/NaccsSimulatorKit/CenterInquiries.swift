import NaccsMessages

/// The simulator's exchange-rate master for IER (yen per unit, valid for the week of the inquiry date). The real
/// rates are published weekly by customs; these are fixed sample values, documented as such.
enum SimulatorExchangeRates {
    static let yenPerUnit: [String: String] = [
        "USD": "150.25", "EUR": "162.80", "GBP": "190.10", "CNY": "20.85", "KRW": "0.1125", "AUD": "98.40",
        "SGD": "111.60", "HKD": "19.20", "THB": "4.20", "TWD": "4.75",
    ]
}

extension CenterState {
    /// Inquiries answer from what the center holds; the reply is the code's `.reply` layout.
    mutating func inquire(_ code: NaccsBusinessCode, _ v: NaccsItemValues, clock: CenterClock, _ o: inout Outcome) {
        var reply = NaccsItemValues()
        switch code.code {
        case "IEX":
            guard v["DNO"] != nil || v["ECN"] != nil else { return o.errors.append(SimulatorResultCodes.oneOfRequired("DNO")) }
            let declaration = v["DNO"].flatMap { declarations[$0] } ?? v["ECN"].flatMap { exportDeclaration(controlNumber: $0) }
            guard let declaration, declaration.direction == .export else {
                return o.errors.append(SimulatorResultCodes.notFound(v["DNO"] != nil ? "DNO" : "ECN"))
            }
            reply = declaration.reply(["DNO": declaration.number, "STS": declaration.status], copying: ["ECN", "EXN", "DST", "PKN", "GWT", "GWU"])
        case "IID":
            guard v["DNO"] != nil || v["BLN"] != nil else { return o.errors.append(SimulatorResultCodes.oneOfRequired("DNO")) }
            let declaration = v["DNO"].flatMap { declarations[$0] } ?? v["BLN"].flatMap { importDeclaration(billOfLading: $0) }
            guard let declaration, declaration.direction == .import else {
                return o.errors.append(SimulatorResultCodes.notFound(v["DNO"] != nil ? "DNO" : "BLN"))
            }
            reply = declaration.reply(["DNO": declaration.number, "STS": declaration.status], copying: ["BLN", "IMN", "POD", "PKN", "GWT", "GWU"])
        case "ICG":
            if let ecn = v["ECN"] {
                guard let cargo = exportCargo[ecn] else { return o.errors.append(SimulatorResultCodes.notFound("ECN")) }
                reply = cargo.restricted(to: code.reply ?? code.input)
                reply["ECN"] = ecn
                reply["STS"] = exportDeclaration(controlNumber: ecn)?.status ?? "10"
                reply.setOccurrences(
                    "CNO", containers.filter { $0.value.exportControlNumbers.contains(ecn) }.keys.sorted().prefix(20).map { $0 })
            } else if let bl = v["BLN"] {
                guard let declaration = importDeclaration(billOfLading: bl) else {
                    return o.errors.append(SimulatorResultCodes.notFound("BLN"))
                }
                reply = declaration.values.restricted(to: code.reply ?? code.input)
                reply["STS"] = declaration.status
                reply.setOccurrences("CNO", deliveryOrders[bl]?.occurrences("CNO") ?? [])
            } else {
                return o.errors.append(SimulatorResultCodes.oneOfRequired("ECN"))
            }
        case "ICN", "IFR":
            let number = v["CNO"] ?? ""
            guard let container = containers[number] else { return o.errors.append(SimulatorResultCodes.notFound("CNO")) }
            reply["CNO"] = number
            reply["CYC"] = container.place
            if code.code == "ICN" {
                reply["STS"] = container.status
                reply["DTM"] = container.date
                reply["TIM"] = container.time
                reply["EFG"] = container.emptyFull
            } else {
                // Free time: seven days from carry-in into the CY.
                guard container.status == "02", let day = NaccsDate.dayNumber(container.date) else {
                    return o.errors.append(SimulatorResultCodes.wrongState("CNO"))
                }
                reply["FRE"] = NaccsDate.string(dayNumber: day + 7)
            }
        case "IAL", "IAR", "IMI":
            let key = code.code == "IAL" ? (v["BKN"] ?? "") : (v["BLN"] ?? "")
            let data = code.code == "IAL" ? acl[key] : acl.values.first { $0["BLN"] == key }
            if code.code == "IMI", data == nil, let declaration = importDeclaration(billOfLading: key) {
                reply = declaration.values.restricted(to: code.reply ?? code.input)
                reply["STS"] = "20"
            } else {
                guard let data else { return o.errors.append(SimulatorResultCodes.notFound(code.code == "IAL" ? "BKN" : "BLN")) }
                reply = data.restricted(to: code.reply ?? code.input)
                reply["STS"] = "10"
            }
        case "IES", "IDI":
            guard let from = v["DFR"], let to = v["DTO"], from <= to else {
                return o.errors.append(SimulatorResultCodes.badPeriod("DFR"))
            }
            let export = code.code == "IES"
            let party = v[export ? "EXC" : "IMC"]
            let found = declarations.values
                .filter { ($0.direction == .export) == export && $0.registeredOn >= from && $0.registeredOn <= to }
                .filter { party == nil || $0.values[export ? "EXC" : "IMC"] == party }
                .sorted { $0.number < $1.number }
            reply["CNT"] = String(found.count)
            let rows = found.prefix(50)
            reply.setOccurrences("DNO", rows.map(\.number))
            reply.setOccurrences(export ? "ECN" : "BLN", rows.map { $0.values[export ? "ECN" : "BLN"] ?? "" })
            reply.setOccurrences("STS", rows.map(\.status))
            reply.setOccurrences("RDT", rows.map(\.registeredOn))
        case "IER":
            let currency = v["CUR"] ?? ""
            guard let rate = SimulatorExchangeRates.yenPerUnit[currency] else {
                return o.errors.append(SimulatorResultCodes.notFound("CUR"))
            }
            let day = NaccsDate.dayNumber(v["DTM"] ?? clock.today) ?? 0
            // Weeks run Sunday to Saturday; 1970-01-01 was a Thursday.
            let sunday = day - ((day + 4) % 7)
            reply["CUR"] = currency
            reply["RTE"] = rate
            reply["VFR"] = NaccsDate.string(dayNumber: sunday)
            reply["VTO"] = NaccsDate.string(dayNumber: sunday + 6)
        case "IWS":
            guard v["BLN"] != nil || v["CNO"] != nil else { return o.errors.append(SimulatorResultCodes.oneOfRequired("BLN")) }
            if let number = v["CNO"] {
                guard let container = containers[number] else { return o.errors.append(SimulatorResultCodes.notFound("CNO")) }
                reply["CNO"] = number
                reply["STS"] = container.status
                reply["DTM"] = container.date
                reply["CYC"] = container.place
            }
            if let bl = v["BLN"] {
                guard let declaration = importDeclaration(billOfLading: bl) else {
                    return o.errors.append(SimulatorResultCodes.notFound("BLN"))
                }
                reply["BLN"] = bl
                reply["PKN"] = declaration.values["PKN"]
                if reply["STS"] == nil { reply["STS"] = declaration.status }
            }
        case "ICI":
            let callSign = v["VSN"] ?? ""
            let voyage = v["VOY"] ?? ""
            let found = containers.filter { $0.value.callSign == callSign && $0.value.voyage == voyage }
                .sorted { $0.key < $1.key }
            reply["VSN"] = callSign
            reply["VOY"] = voyage
            reply["CNT"] = String(found.count)
            reply.setOccurrences("CNO", found.prefix(50).map(\.key))
            reply.setOccurrences("STS", found.prefix(50).map(\.value.status))
            reply.setOccurrences("DTM", found.prefix(50).map(\.value.date))
        case "IML":
            let callSign = v["VSN"] ?? ""
            let found = acl.values.filter { $0["VSN"] == callSign && (v["VOY"] == nil || $0["VOY"] == v["VOY"]) }
                .sorted { ($0["BKN"] ?? "") < ($1["BKN"] ?? "") }
            reply["VSN"] = callSign
            reply["CNT"] = String(found.count)
            reply.setOccurrences("BLN", found.prefix(50).map { $0["BLN"] ?? "" })
            reply.setOccurrences("STS", found.prefix(50).map { _ in "10" })
        default:
            return o.errors.append(SimulatorResultCodes.unknownBusinessCode)
        }
        o.reply = reply
        o.subject = reply[code.reply?.fields.first?.item.abbreviation ?? ""] ?? ""
    }
}

extension CenterState.Declaration {
    /// A reply with `fixed` values, copied items and the permit date and time.
    func reply(_ fixed: [String: String], copying items: [String]) -> NaccsItemValues {
        var reply = NaccsItemValues(fixed)
        for item in items { reply[item] = values[item] }
        reply["PMD"] = permitDate
        reply["PMT"] = permitTime
        return reply
    }
}

extension NaccsDate {
    /// `yyyyMMdd` of a day number (days since 1970-01-01).
    static func string(dayNumber: Int) -> String {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)" + two(month) + two(day)
    }
}
