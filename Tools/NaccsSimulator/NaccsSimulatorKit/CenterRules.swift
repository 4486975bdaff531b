import NaccsMessages

/// The result of processing one accepted input: error codes (empty on success), the result items the notice
/// carries, the reply body (calls and inquiries), the notice's subject, and a report to deliver later.
struct Outcome {
    var errors: [NaccsResultCode] = []
    var result = NaccsItemValues()
    var reply: NaccsItemValues?
    var subject = ""
    /// A permit to issue later for this declaration number.
    var permitLater: String?
}

/// The day and time processing runs at (Japan time), for dates NACCS fills in and range checks.
struct CenterClock {
    /// `yyyyMMdd`.
    let today: String
    /// `HHmm`.
    let time: String
    /// `yyyyMMddHHmmss`.
    var timestamp: String { today + time + "00" }
}

extension CenterState {
    static let keyItems = ["BKN", "BLN", "CNO", "ECN", "DNO", "ANO", "ATN", "TNO", "PID"]
    /// Items holding numbers the center issues; an input naming one that does not exist gets E0003.
    static let referenceItems = ["ECN", "DNO", "ANO", "ATN", "TNO", "PID"]

    /// Processes a business code whose body passed the layout checks.
    mutating func apply(_ code: NaccsBusinessCode, _ values: NaccsItemValues, clock: CenterClock) -> Outcome {
        var outcome = Outcome()
        for item in Self.referenceItems {
            let repeated = code.input.repeatCount(of: item) > 1
            for (index, value) in values.occurrences(item).enumerated() where !value.isEmpty && !exists(item, value) {
                outcome.errors.append(SimulatorResultCodes.notFound(item, repeated ? index + 1 : 0))
            }
        }
        if !outcome.errors.isEmpty { return outcome }
        switch code.kind {
        case .call: call(code, values, &outcome)
        case .inquiry: inquire(code, values, clock: clock, &outcome)
        case .register, .registerAndCall: register(code, values, clock: clock, &outcome)
        }
        if outcome.errors.isEmpty, code.kind != .call, code.kind != .inquiry {
            remember(code.input.name, values.merging(outcome.result))
            if code.kind == .registerAndCall, let reply = code.reply { outcome.reply = values.restricted(to: reply) }
        }
        return outcome
    }

    /// Stores a registration's items under each key number it holds, for call-ups.
    private mutating func remember(_ layout: String, _ values: NaccsItemValues) {
        for item in Self.keyItems {
            guard let key = values[item] else { continue }
            records[layout, default: [:]][key] = values
        }
    }

    private func call(_ code: NaccsBusinessCode, _ values: NaccsItemValues, _ outcome: inout Outcome) {
        guard let reply = code.reply, let keyItem = code.input.fields.first?.item.abbreviation else { return }
        let key = values[keyItem] ?? ""
        guard let stored = records[reply.name]?[key] else {
            outcome.errors.append(SimulatorResultCodes.notFound(keyItem))
            return
        }
        outcome.reply = stored.restricted(to: reply)
        outcome.subject = key
    }

    // MARK: Registrations

    private mutating func register(_ code: NaccsBusinessCode, _ v: NaccsItemValues, clock: CenterClock, _ o: inout Outcome) {
        switch code.code {
        case "BKR":
            let booking = v["BKN"] ?? ""
            guard bookings[booking] == nil else { return o.errors.append(SimulatorResultCodes.duplicate("BKN")) }
            bookings[booking] = v
            o.subject = booking
        case "BKC":
            let booking = v["BKN"] ?? ""
            guard let existing = bookings[booking] else { return o.errors.append(SimulatorResultCodes.notFound("BKN")) }
            bookings[booking] = existing.merging(v)
            records["BKR", default: [:]][booking] = bookings[booking]
            o.subject = booking
        case "ECR", "SCR":
            let number = issue("ECN", prefix: "EC", width: 11)
            exportCargo[number] = v
            o.result["ECN"] = number
            o.subject = number
        case "ACL01": acl01(v, &o)
        case "VAN":
            checkContainers(v, item: "CNO", repeated: false, &o)
            guard o.errors.isEmpty, let number = v["CNO"] else { return }
            var container = containers[number] ?? Container()
            container.exportControlNumbers = v.occurrences("ECN").filter { !$0.isEmpty }
            containers[number] = container
            o.subject = number
        case "VAE":
            checkContainers(v, item: "CNO", repeated: true, &o)
            guard o.errors.isEmpty, let ecn = v["ECN"] else { return }
            for number in v.occurrences("CNO") where !number.isEmpty {
                var container = containers[number] ?? Container()
                if !container.exportControlNumbers.contains(ecn) { container.exportControlNumbers.append(ecn) }
                containers[number] = container
            }
            o.subject = ecn
        case "VAC":
            let number = v["CNO"] ?? ""
            guard records["VAN"]?[number] != nil else { return o.errors.append(SimulatorResultCodes.notFound("CNO")) }
            records["VAN"]?[number] = nil
            containers[number]?.exportControlNumbers = []
        case "CYA", "CYO": yard(code.code, v, clock: clock, &o)
        case "CYD01":
            checkContainers(v, item: "CNO", repeated: true, &o)
            guard o.errors.isEmpty else { return }
            for number in v.occurrences("CNO") where !number.isEmpty {
                var container = containers[number] ?? Container()
                container.status = "02"
                container.date = v["DTM"] ?? ""
                container.place = v["CYC"] ?? ""
                containers[number] = container
            }
        case "BIC": o.subject = v["ECN"] ?? ""
        case "BID", "BIE", "BOC", "BOB":
            let ecn = v["ECN"] ?? ""
            guard exportDeclaration(controlNumber: ecn)?.status == "30" else {
                return o.errors.append(SimulatorResultCodes.wrongState("ECN"))
            }
            o.subject = ecn
        case "EDA", "IDA":
            let number = issue("DNO", prefix: code.code == "EDA" ? "1" : "2", width: 11)
            add(
                Declaration(
                    number: number, direction: code.code == "EDA" ? .export : .import, values: v, status: "10",
                    registeredOn: clock.today))
            o.result["DNO"] = number
            o.subject = number
        case "EDC", "IDC":
            let number = v["DNO"] ?? ""
            let direction: Declaration.Direction = code.code == "EDC" ? .export : .import
            guard var declaration = declarations[number], declaration.direction == direction else {
                return o.errors.append(SimulatorResultCodes.notFound("DNO"))
            }
            guard declaration.status == "10" else { return o.errors.append(SimulatorResultCodes.wrongState("DNO")) }
            declaration.status = "20"
            update(declaration)
            o.result["DNO"] = number
            o.result["STS"] = "20"
            o.subject = number
            o.permitLater = number
        case "EAA", "AMA":
            let number = v["DNO"] ?? ""
            let direction: Declaration.Direction = code.code == "EAA" ? .export : .import
            guard let declaration = declarations[number], declaration.direction == direction,
                declaration.status == "30"
            else { return o.errors.append(SimulatorResultCodes.wrongState("DNO")) }
            let application = issue("ANO", prefix: "5", width: 11)
            applications[application] = Application(number: application, declaration: number, values: v)
            o.result["ANO"] = application
            o.subject = application
        case "EAC", "AMC":
            let number = v["ANO"] ?? ""
            guard var application = applications[number], application.status == "10" else {
                return o.errors.append(SimulatorResultCodes.wrongState("ANO"))
            }
            application.status = "30"
            applications[number] = application
            if var declaration = declarations[application.declaration] {
                declaration.values = declaration.values.merging(application.values.removing(["DNO", "RSN"]))
                update(declaration)
            }
            o.result["ANO"] = number
            o.result["STS"] = "30"
            o.subject = number
        case "IDA01":
            let number = v["DNO"] ?? ""
            guard var declaration = declarations[number], declaration.direction == .import,
                declaration.status != "30"
            else { return o.errors.append(SimulatorResultCodes.wrongState("DNO")) }
            declaration.pendingChange = v
            update(declaration)
            o.result["DNO"] = number
            o.subject = number
        case "IDE":
            let number = v["DNO"] ?? ""
            guard var declaration = declarations[number], let change = declaration.pendingChange else {
                return o.errors.append(SimulatorResultCodes.wrongState("DNO"))
            }
            declaration.values = declaration.values.merging(change.removing(["DNO", "RSN"]))
            declaration.pendingChange = nil
            update(declaration)
            o.result["DNO"] = number
            o.result["STS"] = declaration.status
            o.subject = number
        case "MSX", "MSB":
            let number = issue("ATN", prefix: "6", width: 11)
            attachments[number] = v
            o.result["ATN"] = number
            o.subject = number
        case "MSY01":
            let number = v["ATN"] ?? ""
            attachments[number] = (attachments[number] ?? NaccsItemValues()).merging(v)
            o.subject = number
        case "OLA", "OLC20":
            let number = issue("TNO", prefix: "7", width: 11)
            let approved = code.code == "OLC20"
            transports[number] = (v, approved ? "30" : "10", approved ? clock.today : "")
            o.result["TNO"] = number
            if approved {
                o.result["STS"] = "30"
                o.result["PMD"] = clock.today
            }
            o.subject = number
        case "OLC":
            let number = v["TNO"] ?? ""
            guard let transport = transports[number], transport.status == "10" else {
                return o.errors.append(SimulatorResultCodes.wrongState("TNO"))
            }
            transports[number] = (transport.values, "30", clock.today)
            o.result["TNO"] = number
            o.result["STS"] = "30"
            o.result["PMD"] = clock.today
            o.subject = number
        case "BOA", "BIA":
            let number = v["TNO"] ?? ""
            guard transports[number]?.status == "30" else { return o.errors.append(SimulatorResultCodes.wrongState("TNO")) }
            o.subject = number
        case "DOR":
            let bl = v["BLN"] ?? ""
            let declaration = v["DNO"].flatMap { declarations[$0] } ?? importDeclaration(billOfLading: bl)
            guard let declaration, declaration.direction == .import, declaration.values["BLN"] == bl else {
                return o.errors.append(SimulatorResultCodes.notFound("BLN"))
            }
            guard declaration.status == "30" else { return o.errors.append(SimulatorResultCodes.wrongState("BLN")) }
            checkContainers(v, item: "CNO", repeated: true, &o)
            guard o.errors.isEmpty else { return }
            deliveryOrders[bl] = v
            o.subject = bl
        case "RSS01":
            let bl = v["BLN"] ?? ""
            guard deliveryOrders[bl] != nil else { return o.errors.append(SimulatorResultCodes.wrongState("BLN")) }
            let number = issue("PID", prefix: "P", width: 10)
            pickups[number] = (v, "10")
            o.result["PID"] = number
            o.subject = number
        case "RST01":
            let number = v["PID"] ?? ""
            guard let pickup = pickups[number] else { return o.errors.append(SimulatorResultCodes.notFound("PID")) }
            pickups[number] = (pickup.values.merging(v), "30")
            o.result["PID"] = number
            o.result["STS"] = "30"
            o.subject = number
        default:
            // Registrations without business rules of their own: the layout checks are all.
            o.subject = code.input.fields.first.flatMap { v[$0.item.abbreviation] } ?? ""
        }
    }

    private mutating func acl01(_ v: NaccsItemValues, _ o: inout Outcome) {
        let booking = v["BKN"] ?? ""
        checkContainers(v, item: "CNO", repeated: true, &o)
        guard o.errors.isEmpty else { return }
        switch v["PCD"] {
        case "9":
            guard acl[booking] == nil else { return o.errors.append(SimulatorResultCodes.duplicate("BKN")) }
            acl[booking] = v
        case "5":
            guard acl[booking] != nil else { return o.errors.append(SimulatorResultCodes.notFound("BKN")) }
            acl[booking] = v
        case "1":
            guard acl[booking] != nil else { return o.errors.append(SimulatorResultCodes.notFound("BKN")) }
            acl[booking] = nil
            records["ACL01"]?[booking] = nil
        default: acl[booking] = v
        }
        o.subject = booking
    }

    private mutating func yard(_ code: String, _ v: NaccsItemValues, clock: CenterClock, _ o: inout Outcome) {
        checkContainers(v, item: "CNO", repeated: false, &o)
        if let date = v["DTM"].flatMap(NaccsDate.dayNumber), let today = NaccsDate.dayNumber(clock.today),
            date < today - 365 || date > today
        {
            o.errors.append(SimulatorResultCodes.dateOutOfRange("DTM"))
        }
        guard o.errors.isEmpty, let number = v["CNO"] else { return }
        var container = containers[number] ?? Container()
        if code == "CYO" {
            guard container.status == "02" else { return o.errors.append(SimulatorResultCodes.wrongState("CNO")) }
            container.status = "03"
        } else {
            guard container.status != "02" else { return o.errors.append(SimulatorResultCodes.wrongState("CNO")) }
            container.status = "02"
            container.callSign = v["VSN"] ?? ""
            container.voyage = v["VOY"] ?? ""
        }
        container.date = v["DTM"] ?? ""
        container.time = v["TIM"] ?? ""
        container.emptyFull = v["EFG"] ?? ""
        container.place = v["CYC"] ?? ""
        containers[number] = container
        o.subject = number
    }

    /// S0004 for every container number that fails the ISO 6346 check.
    private func checkContainers(_ v: NaccsItemValues, item: String, repeated: Bool, _ o: inout Outcome) {
        for (index, number) in v.occurrences(item).enumerated() where !number.isEmpty && !NaccsContainerNumber.isValid(number) {
            o.errors.append(SimulatorResultCodes.checkDigit(item, repeated ? index + 1 : 0))
        }
    }

    /// The permit NACCS issues some time after EDC/IDC; nil when the declaration is no longer waiting for one.
    mutating func permit(_ number: String, clock: CenterClock) -> Declaration? {
        guard var declaration = declarations[number], declaration.status == "20" else { return nil }
        declaration.status = "30"
        declaration.permitDate = clock.today
        declaration.permitTime = clock.time
        update(declaration)
        return declaration
    }
}

extension NaccsItemValues {
    /// These values with `other`'s non-blank items laid over them.
    func merging(_ other: NaccsItemValues) -> NaccsItemValues {
        var merged = self
        for (item, occurrences) in other.items { merged.setOccurrences(item, occurrences) }
        return merged
    }

    /// Only the items `layout` has.
    func restricted(to layout: NaccsLayout) -> NaccsItemValues {
        var restricted = NaccsItemValues()
        for field in layout.fields {
            let item = field.item.abbreviation
            restricted.setOccurrences(item, Array(occurrences(item).prefix(layout.repeatCount(of: item))))
        }
        return restricted
    }

    /// Without `items`.
    func removing(_ items: [String]) -> NaccsItemValues {
        var result = self
        for item in items { result.setOccurrences(item, []) }
        return result
    }
}
