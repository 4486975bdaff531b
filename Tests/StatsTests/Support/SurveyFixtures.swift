import CyberPortTestSupport
import PortAPI
import PortProtocol
import PortRPC
import Testing

/// A small deterministic random generator (SplitMix64), so that failing data can be reproduced.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Survey content for tests: random but valid lines over a handful of commodities and partner ports.
enum SurveyFixtures {
    static let foreignPorts = ["CNSHA", "KRPUS", "USLAX", "SGSIN"]
    static let japanesePorts = ["JPOSA", "JPNGO", "JPUKB"]
    static let commodities = ["011", "091", "161", "162", "252", "255", "321", "521", "531", "541"]
    static let grossTonnages: [Int64] = [5, 120, 499, 500, 999, 1_000, 2_999, 3_000, 5_999, 6_000, 9_999, 10_000, 29_999, 30_000, 160_000]

    static func content(withVehicles: Bool, using random: inout SeededGenerator) -> Cyberport_Stats_V1_SurveyContent {
        var content = Cyberport_Stats_V1_SurveyContent()
        content.ships = (0..<Int.random(in: 2...6, using: &random)).map { _ in
            var line = Cyberport_Stats_V1_ShipEntryLine()
            line.shipClass = .init(rawValue: Int32.random(in: 1...5, using: &random))
            line.trade = .init(rawValue: Int32.random(in: 1...2, using: &random))
            line.grossTonnage = grossTonnages.randomElement(using: &random)!
            line.shipCount = Int64.random(in: 1...4, using: &random)
            return line
        }
        content.passengers = (0..<Int.random(in: 1...3, using: &random)).map { _ in
            var line = Cyberport_Stats_V1_PassengerLine()
            line.trade = .init(rawValue: Int32.random(in: 1...2, using: &random))
            line.embarked = Int64.random(in: 0...900, using: &random)
            line.disembarked = Int64.random(in: 0...900, using: &random)
            return line
        }
        content.cargo = (0..<Int.random(in: 8...20, using: &random)).map { _ in cargoLine(using: &random) }
        if withVehicles {
            content.vehicles = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                var line = Cyberport_Stats_V1_VehicleLine()
                line.kind = .init(rawValue: Int32.random(in: 1...4, using: &random))
                line.direction = Bool.random(using: &random) ? .coastalOutbound : .coastalInbound
                line.vehicles = Int64.random(in: 1...60, using: &random)
                return line
            }
        }
        return content
    }

    static func cargoLine(using random: inout SeededGenerator) -> Cyberport_Stats_V1_CargoLine {
        var line = Cyberport_Stats_V1_CargoLine()
        line.commodityCode = commodities.randomElement(using: &random)!
        line.form = .init(rawValue: Int32.random(in: 1...3, using: &random))
        line.direction = .init(rawValue: Int32.random(in: 1...4, using: &random))
        let foreign = line.direction == .export || line.direction == .import
        line.partnerPort = (foreign ? foreignPorts : japanesePorts).randomElement(using: &random)!
        let amount = Int64.random(in: 1...5_000_000, using: &random)
        switch (line.commodityCode, Int.random(in: 0...4, using: &random)) {
        case ("091", 0...2): line.quantity = .logLitres(amount)
        case ("161", 0): line.quantity = .sandLitres(amount)
        case ("161", 1): line.quantity = .gravelLitres(amount)
        case ("162", 0): line.quantity = .crushedStoneLitres(amount)
        case ("162", 1): line.quantity = .stoneLitres(amount)
        case ("321", 0...1): line.quantity = .bulkLiquidLitres(amount)
        case (_, 0):
            var measure = Cyberport_Stats_V1_WeightAndVolume()
            measure.weightKg = Int64.random(in: 0...3_000_000, using: &random)
            measure.volumeLitres = Int64.random(in: 1...3_000_000, using: &random)
            line.quantity = .weightAndVolume(measure)
        case (_, 1): line.quantity = .drums(Int64.random(in: 1...4_000, using: &random))
        case (_, 2): line.quantity = .oilCans(Int64.random(in: 1...40_000, using: &random))
        case (_, 3): line.quantity = .freightTonsMilli(amount)
        default:
            var measure = Cyberport_Stats_V1_WeightAndVolume()
            measure.weightKg = amount
            line.quantity = .weightAndVolume(measure)
        }
        switch line.form {
        case .container:
            line.containers = Int64.random(in: 1...30, using: &random)
            line.teu = line.containers + Int64.random(in: 0...line.containers, using: &random)
            line.empty = Bool.random(using: &random)
        case .chassis:
            line.chassis = Int64.random(in: 1...12, using: &random)
            line.empty = Bool.random(using: &random)
        default: break
        }
        return line
    }
}

/// The survey's rules written out again, independently of StatsKit, to compute what the tables must show.
enum ExpectedSurvey {
    /// Thousandths of a freight ton, rounded half up, from the rules as the survey states them.
    static func freightTonsMilli(_ quantity: Cyberport_Stats_V1_CargoLine.Quantity?) -> Int64 {
        switch quantity {
        case .weightAndVolume(let measure)?:
            // 1,000 kg or 1.133 m³ (1,133 L) is one ton, whichever gives more.
            return max(measure.weightKg, (measure.volumeLitres * 1000 + 566) / 1133)
        case .bulkLiquidLitres(let litres)?: return litres  // 1 m³ = 1 t
        case .logLitres(let litres)?: return (litres * 1000 + 417) / 835  // 0.835 m³ = 1 t
        case .drums(let drums)?: return drums * 250  // 4 drums = 1 t
        case .oilCans(let cans)?: return cans * 25  // 40 cans = 1 t
        case .sandLitres(let litres)?: return (litres * 10 + 3) / 6  // 6 m³ = 10 t
        case .gravelLitres(let litres)?: return (litres * 13 + 3) / 6  // 6 m³ = 13 t
        case .crushedStoneLitres(let litres)?: return (litres * 8 + 2) / 5  // 6 m³ = 9.6 t
        case .stoneLitres(let litres)?: return (litres * 27 + 5) / 10  // 1 m³ = 2.7 t
        case .freightTonsMilli(let value)?: return value
        case nil: return 0
        }
    }

    static func band(_ grossTonnage: Int64) -> String {
        let bounds: [(Int64, String)] = [
            (500, "GROSS_TONNAGE_BAND_UNDER_500"), (1_000, "GROSS_TONNAGE_BAND_500_TO_1000"),
            (3_000, "GROSS_TONNAGE_BAND_1000_TO_3000"), (6_000, "GROSS_TONNAGE_BAND_3000_TO_6000"),
            (10_000, "GROSS_TONNAGE_BAND_6000_TO_10000"), (30_000, "GROSS_TONNAGE_BAND_10000_TO_30000"),
        ]
        return bounds.first { grossTonnage < $0.0 }?.1 ?? "GROSS_TONNAGE_BAND_30000_AND_OVER"
    }

    /// Table rows keyed by their dimension labels, with their measures.
    typealias Rows = [[String]: [Int64]]

    static func add(_ rows: inout Rows, _ key: [String], _ measures: [Int64]) {
        let current = rows[key] ?? Array(repeating: 0, count: measures.count)
        rows[key] = zip(current, measures).map { $0 + $1 }
    }

    /// The rows table `number` must have for the counted contents; `commodities` maps codes to (major, name).
    static func rows(
        table number: Int, contents: [Cyberport_Stats_V1_SurveyContent], commodities: [String: (Int32, String)]
    ) -> Rows {
        var rows: Rows = [:]
        for content in contents {
            switch number {
            case 1:
                for line in content.ships {
                    add(&rows, [line.shipClass.protoValueName!, line.trade.protoValueName!, band(line.grossTonnage)],
                        [line.shipCount, line.shipCount * line.grossTonnage])
                }
            case 2:
                for line in content.passengers {
                    add(&rows, [line.trade.protoValueName!], [line.embarked, line.disembarked, line.embarked + line.disembarked])
                }
            case 3:
                for line in content.cargo {
                    let (major, name) = commodities[line.commodityCode]!
                    add(&rows,
                        ["\(major)", line.commodityCode, name, line.form.protoValueName!, line.direction.protoValueName!, line.partnerPort],
                        [freightTonsMilli(line.quantity)])
                }
            case 4:
                for line in content.vehicles {
                    add(&rows, [line.kind.protoValueName!, line.direction.protoValueName!], [line.vehicles])
                }
            default:
                for line in content.cargo where line.form == .container || line.form == .chassis {
                    add(&rows, [line.direction.protoValueName!, line.form.protoValueName!, line.empty ? "EMPTY" : "LADEN"],
                        [line.containers, line.teu, line.chassis, freightTonsMilli(line.quantity)])
                }
            }
        }
        return rows
    }

    /// The grand total of table `number`, summed straight from the lines (not from the rows).
    static func total(table number: Int, contents: [Cyberport_Stats_V1_SurveyContent]) -> [Int64] {
        var total: [Int64] = []
        func add(_ values: [Int64]) {
            if total.isEmpty { total = Array(repeating: 0, count: values.count) }
            for index in values.indices { total[index] += values[index] }
        }
        let width = [1: 2, 2: 3, 3: 1, 4: 1, 5: 4][number]!
        add(Array(repeating: 0, count: width))
        for content in contents {
            switch number {
            case 1: content.ships.forEach { add([$0.shipCount, $0.shipCount * $0.grossTonnage]) }
            case 2: content.passengers.forEach { add([$0.embarked, $0.disembarked, $0.embarked + $0.disembarked]) }
            case 3: content.cargo.forEach { add([freightTonsMilli($0.quantity)]) }
            case 4: content.vehicles.forEach { add([$0.vehicles]) }
            default:
                content.cargo.filter { $0.form == .container || $0.form == .chassis }
                    .forEach { add([$0.containers, $0.teu, $0.chassis, freightTonsMilli($0.quantity)]) }
            }
        }
        return total
    }
}
