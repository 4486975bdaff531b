import PortProtocol
import PortRPC
import PortServiceKit
import PortValidation

/// A ship line as stored.
struct ShipLineRecord: Sendable, Hashable {
    var shipClass: Int32
    var trade: Int32
    var grossTonnage: Int64
    var band: Int32
    var shipCount: Int64
}

/// A passenger line as stored.
struct PassengerLineRecord: Sendable, Hashable {
    var trade: Int32
    var embarked: Int64
    var disembarked: Int64
}

/// A cargo line as stored, with its quantity as given and converted.
struct CargoLineRecord: Sendable, Hashable {
    var commodityCode: String
    var majorClass: Int
    var form: Int32
    var direction: Int32
    var partnerPort: String
    var quantityKind: FreightTons.Kind
    /// The amount in the quantity's unit (kg for weight and volume).
    var quantity: Int64
    /// Litres; weight and volume only.
    var volumeLitres: Int64
    var freightTonsMilli: Int64
    var containers: Int64
    var teu: Int64
    var empty: Bool
    var chassis: Int64
}

/// A vehicle line as stored.
struct VehicleLineRecord: Sendable, Hashable {
    var kind: Int32
    var direction: Int32
    var vehicles: Int64
}

/// The validated lines of one revision of a survey submission.
struct SurveyLines: Sendable {
    var ships: [ShipLineRecord] = []
    var passengers: [PassengerLineRecord] = []
    var cargo: [CargoLineRecord] = []
    var vehicles: [VehicleLineRecord] = []

    var count: Int { ships.count + passengers.count + cargo.count + vehicles.count }

    /// The content as served, with the derived fields (band, converted freight tons).
    var proto: Cyberport_Stats_V1_SurveyContent {
        var content = Cyberport_Stats_V1_SurveyContent()
        content.ships = ships.map { line in
            var proto = Cyberport_Stats_V1_ShipEntryLine()
            proto.shipClass = .init(rawValue: line.shipClass)
            proto.trade = .init(rawValue: line.trade)
            proto.grossTonnage = line.grossTonnage
            proto.shipCount = line.shipCount
            proto.band = .init(rawValue: line.band)
            return proto
        }
        content.passengers = passengers.map { line in
            var proto = Cyberport_Stats_V1_PassengerLine()
            proto.trade = .init(rawValue: line.trade)
            proto.embarked = line.embarked
            proto.disembarked = line.disembarked
            return proto
        }
        content.cargo = cargo.map { line in
            var proto = Cyberport_Stats_V1_CargoLine()
            proto.commodityCode = line.commodityCode
            proto.form = .init(rawValue: line.form)
            proto.direction = .init(rawValue: line.direction)
            proto.partnerPort = line.partnerPort
            switch line.quantityKind {
            case .weightAndVolume:
                var measure = Cyberport_Stats_V1_WeightAndVolume()
                measure.weightKg = line.quantity
                measure.volumeLitres = line.volumeLitres
                proto.quantity = .weightAndVolume(measure)
            case .bulkLiquid: proto.quantity = .bulkLiquidLitres(line.quantity)
            case .logs: proto.quantity = .logLitres(line.quantity)
            case .drums: proto.quantity = .drums(line.quantity)
            case .oilCans: proto.quantity = .oilCans(line.quantity)
            case .sand: proto.quantity = .sandLitres(line.quantity)
            case .gravel: proto.quantity = .gravelLitres(line.quantity)
            case .crushedStone: proto.quantity = .crushedStoneLitres(line.quantity)
            case .stone: proto.quantity = .stoneLitres(line.quantity)
            case .freightTons: proto.quantity = .freightTonsMilli(line.quantity)
            }
            proto.convertedFreightTonsMilli = line.freightTonsMilli
            proto.containers = line.containers
            proto.teu = line.teu
            proto.empty = line.empty
            proto.chassis = line.chassis
            return proto
        }
        content.vehicles = vehicles.map { line in
            var proto = Cyberport_Stats_V1_VehicleLine()
            proto.kind = .init(rawValue: line.kind)
            proto.direction = .init(rawValue: line.direction)
            proto.vehicles = line.vehicles
            return proto
        }
        return content
    }
}

/// The rules of a survey submission's content. Errors are INVALID_ARGUMENT naming the line's field, e.g.
/// "content.cargo[12].partner_port".
enum SurveyInput {
    /// The most lines one submission may hold.
    static let maxLines = 20_000
    /// Quantities above this (10 million tonnes, kg, litres or pieces) per line are mistakes and would risk overflow in sums.
    static let maxAmount: Int64 = 10_000_000_000

    static func validate(_ content: Cyberport_Stats_V1_SurveyContent, catalog: CommodityClassification) throws -> SurveyLines {
        let total = content.ships.count + content.passengers.count + content.cargo.count + content.vehicles.count
        guard total <= maxLines else {
            throw APIError.make(
                .resourceExhausted, "a submission holds at most \(maxLines) lines (got \(total)); split it by respondent",
                reason: "TOO_MANY_LINES", metadata: ["field": "content", "limit": "\(maxLines)"])
        }
        var lines = SurveyLines()
        for (index, line) in content.ships.enumerated() {
            let field = "content.ships[\(index)]."
            let shipClass = try Input.known(line.shipClass, field: field + "ship_class")
            let trade = try Input.known(line.trade, field: field + "trade")
            guard line.grossTonnage >= GrossTonnageBands.minimum else {
                throw APIError.invalidArgument(
                    field: field + "gross_tonnage", "ships under \(GrossTonnageBands.minimum) GT are not surveyed (got \(line.grossTonnage))")
            }
            _ = try Input.integer(line.grossTonnage, field: field + "gross_tonnage", in: GrossTonnageBands.minimum...1_000_000)
            _ = try Input.integer(line.shipCount, field: field + "ship_count", in: 1...1_000_000)
            lines.ships.append(ShipLineRecord(
                shipClass: shipClass.rawValue, trade: trade.rawValue, grossTonnage: line.grossTonnage,
                band: GrossTonnageBands.band(line.grossTonnage).rawValue, shipCount: line.shipCount))
        }
        for (index, line) in content.passengers.enumerated() {
            let field = "content.passengers[\(index)]."
            let trade = try Input.known(line.trade, field: field + "trade")
            _ = try Input.integer(line.embarked, field: field + "embarked", in: 0...1_000_000_000)
            _ = try Input.integer(line.disembarked, field: field + "disembarked", in: 0...1_000_000_000)
            lines.passengers.append(PassengerLineRecord(trade: trade.rawValue, embarked: line.embarked, disembarked: line.disembarked))
        }
        for (index, line) in content.cargo.enumerated() {
            lines.cargo.append(try cargo(line, field: "content.cargo[\(index)].", catalog: catalog))
        }
        for (index, line) in content.vehicles.enumerated() {
            let field = "content.vehicles[\(index)]."
            let kind = try Input.known(line.kind, field: field + "kind")
            let direction = try Input.known(line.direction, field: field + "direction")
            _ = try Input.integer(line.vehicles, field: field + "vehicles", in: 1...100_000_000)
            lines.vehicles.append(VehicleLineRecord(kind: kind.rawValue, direction: direction.rawValue, vehicles: line.vehicles))
        }
        return lines
    }

    private static func cargo(
        _ line: Cyberport_Stats_V1_CargoLine, field: String, catalog: CommodityClassification
    ) throws -> CargoLineRecord {
        guard let commodity = catalog.commodity(line.commodityCode) else {
            throw APIError.invalidArgument(
                field: field + "commodity_code",
                "\"\(line.commodityCode)\" is not a middle class of the commodity classification \(catalog.version) (ListCommodityClasses)")
        }
        let form = try Input.known(line.form, field: field + "form")
        let direction = try Input.known(line.direction, field: field + "direction")
        let partner = try UNLocode.check(line.partnerPort, field: field + "partner_port")
        let foreignTrade = direction == .export || direction == .import
        if foreignTrade == UNLocode.isJapanese(partner) {
            throw APIError.invalidArgument(
                field: field + "partner_port",
                foreignTrade
                    ? "export and import are direct moves to or from a foreign port; via a Japanese port they are coastal"
                    : "coastal moves (移出/移入) have a Japanese partner port")
        }
        guard let quantity = line.quantity else {
            throw APIError.invalidArgument(field: field + "quantity", "give the quantity in one of the survey's units", reason: "REQUIRED_FIELD")
        }
        let (kind, amount, volume, quantityField) = try measure(quantity, field: field)
        switch kind {
        case .logs where commodity.code != "091":
            throw APIError.invalidArgument(field: field + quantityField, "logs (0.835 m³ = 1 t) are commodity 091 原木")
        case .sand where commodity.code != "161" && commodity.code != "162",
            .gravel where commodity.code != "161" && commodity.code != "162",
            .crushedStone where commodity.code != "161" && commodity.code != "162",
            .stone where commodity.code != "161" && commodity.code != "162":
            throw APIError.invalidArgument(field: field + quantityField, "sand, gravel and stone are commodity 161 or 162")
        default: break
        }
        var record = CargoLineRecord(
            commodityCode: commodity.code, majorClass: commodity.major, form: form.rawValue, direction: direction.rawValue,
            partnerPort: partner, quantityKind: kind, quantity: amount, volumeLitres: volume,
            freightTonsMilli: FreightTons.milli(kind, amount: amount, volumeLitres: volume), containers: 0, teu: 0,
            empty: line.empty, chassis: 0)
        switch form {
        case .container:
            _ = try Input.integer(line.containers, field: field + "containers", in: 1...10_000_000)
            guard line.teu >= line.containers, line.teu <= line.containers * 3 else {
                throw APIError.invalidArgument(
                    field: field + "teu", "between the number of containers and 3 × that (got \(line.teu) for \(line.containers))")
            }
            guard line.chassis == 0 else { throw APIError.invalidArgument(field: field + "chassis", "only for chassis cargo") }
            record.containers = line.containers
            record.teu = line.teu
        case .chassis:
            _ = try Input.integer(line.chassis, field: field + "chassis", in: 1...10_000_000)
            guard line.containers == 0, line.teu == 0 else {
                throw APIError.invalidArgument(field: field + "containers", "only for container cargo")
            }
            record.chassis = line.chassis
        default:
            guard line.containers == 0, line.teu == 0, line.chassis == 0, !line.empty else {
                throw APIError.invalidArgument(
                    field: field + "form", "containers, TEU, chassis and empty apply to container and chassis cargo only")
            }
        }
        return record
    }

    private static func measure(
        _ quantity: Cyberport_Stats_V1_CargoLine.Quantity, field: String
    ) throws -> (FreightTons.Kind, Int64, Int64, String) {
        func amount(_ value: Int64, _ name: String) throws -> Int64 {
            try Input.integer(value, field: field + name, in: 1...maxAmount)
        }
        switch quantity {
        case .weightAndVolume(let measure):
            _ = try Input.integer(measure.weightKg, field: field + "weight_and_volume.weight_kg", in: 0...maxAmount)
            _ = try Input.integer(measure.volumeLitres, field: field + "weight_and_volume.volume_litres", in: 0...maxAmount)
            guard measure.weightKg > 0 || measure.volumeLitres > 0 else {
                throw APIError.invalidArgument(field: field + "weight_and_volume", "weight or volume must be positive")
            }
            return (.weightAndVolume, measure.weightKg, measure.volumeLitres, "weight_and_volume")
        case .bulkLiquidLitres(let value): return (.bulkLiquid, try amount(value, "bulk_liquid_litres"), 0, "bulk_liquid_litres")
        case .logLitres(let value): return (.logs, try amount(value, "log_litres"), 0, "log_litres")
        case .drums(let value): return (.drums, try amount(value, "drums"), 0, "drums")
        case .oilCans(let value): return (.oilCans, try amount(value, "oil_cans"), 0, "oil_cans")
        case .sandLitres(let value): return (.sand, try amount(value, "sand_litres"), 0, "sand_litres")
        case .gravelLitres(let value): return (.gravel, try amount(value, "gravel_litres"), 0, "gravel_litres")
        case .crushedStoneLitres(let value):
            return (.crushedStone, try amount(value, "crushed_stone_litres"), 0, "crushed_stone_litres")
        case .stoneLitres(let value): return (.stone, try amount(value, "stone_litres"), 0, "stone_litres")
        case .freightTonsMilli(let value): return (.freightTons, try amount(value, "freight_tons_milli"), 0, "freight_tons_milli")
        }
    }
}
