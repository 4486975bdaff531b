import Foundation
import PortProtocol
import PortStore

/// Tables 1–5 of the port statistics survey: their columns, the aggregation behind each, and the subtotals. Rows come
/// from SQL sums over approved lines; subtotals and the total are summed from the rows here, so every total adds up
/// by construction (the tests check them against the submissions independently).
enum StatisticalTables {
    /// A table's definition.
    struct Definition: Sendable {
        var number: Int
        var dimensions: [Column]
        var measures: [Column]
        /// The dimension indices subtotals group by, one list of subtotals per entry.
        var subtotalBy: [Int]
        /// Reads the rows.
        var rows: @Sendable (TableQueries, SurveyPeriod, CommodityClassification) throws -> [Cyberport_Stats_V1_TableRow]
    }

    /// A column: key, Japanese and English titles, unit of a measure.
    struct Column: Sendable {
        var key: String
        var ja: String
        var en: String
        var unit: String = ""
    }

    static func definition(_ number: Int) -> Definition? {
        switch number {
        case 1: return ships
        case 2: return passengers
        case 3: return cargo
        case 4: return vehicles
        case 5: return containers
        default: return nil
        }
    }

    /// Builds the table for `period`.
    static func build(
        _ definition: Definition, period: SurveyPeriod, queries: TableQueries, commodities: CommodityClassification
    ) throws -> Cyberport_Stats_V1_StatisticalTable {
        var table = Cyberport_Stats_V1_StatisticalTable()
        table.name = "ports/\(period.port)/statisticalTables/\(definition.number)/periods/"
            + (period.month == 0 ? "\(period.year)" : "\(period.year)-\(period.month < 10 ? "0" : "")\(period.month)")
        table.port = period.port
        table.tableNumber = Int32(definition.number)
        table.year = Int32(period.year)
        table.month = Int32(period.month)
        if let entry = SurveyTableCatalog.all.first(where: { $0.number == definition.number }) {
            table.titleJa = entry.ja
            table.titleEn = entry.en
        }
        table.columns = definition.dimensions.map { column($0, role: .dimension) }
            + definition.measures.map { column($0, role: .measure) }
        table.rows = try definition.rows(queries, period, commodities)
        table.subtotals = definition.subtotalBy.flatMap { index in
            subtotals(table.rows, dimension: index, key: definition.dimensions[index].key, width: definition.dimensions.count)
        }
        var total = Cyberport_Stats_V1_TableRow()
        total.label = "total"
        total.dimensions = Array(repeating: "", count: definition.dimensions.count)
        total.measures = sum(table.rows, width: definition.measures.count)
        table.total = total
        table.submissionCount = Int32(try queries.approvedSubmissions(period))
        return table
    }

    private static func column(_ column: Column, role: Cyberport_Stats_V1_ColumnRole) -> Cyberport_Stats_V1_TableColumn {
        var result = Cyberport_Stats_V1_TableColumn()
        result.key = column.key
        result.titleJa = column.ja
        result.titleEn = column.en
        result.role = role
        result.unit = column.unit
        return result
    }

    /// One subtotal per value of dimension `index`, in first-appearance order of the (sorted) rows.
    static func subtotals(
        _ rows: [Cyberport_Stats_V1_TableRow], dimension index: Int, key: String, width: Int
    ) -> [Cyberport_Stats_V1_TableRow] {
        var order: [String] = []
        var groups: [String: [Cyberport_Stats_V1_TableRow]] = [:]
        for row in rows {
            let value = row.dimensions[index]
            if groups[value] == nil { order.append(value) }
            groups[value, default: []].append(row)
        }
        return order.sorted().map { value in
            var subtotal = Cyberport_Stats_V1_TableRow()
            subtotal.label = "\(key)=\(value)"
            subtotal.dimensions = (0..<width).map { $0 == index ? value : "" }
            subtotal.measures = sum(groups[value] ?? [], width: rows.first?.measures.count ?? 0)
            return subtotal
        }
    }

    static func sum(_ rows: [Cyberport_Stats_V1_TableRow], width: Int) -> [Int64] {
        var totals = Array(repeating: Int64(0), count: width)
        for row in rows {
            for (index, value) in row.measures.enumerated() where index < width { totals[index] += value }
        }
        return totals
    }

    // MARK: The five tables

    private static func row(_ dimensions: [String], _ measures: [Int64]) -> Cyberport_Stats_V1_TableRow {
        var row = Cyberport_Stats_V1_TableRow()
        row.dimensions = dimensions
        row.measures = measures
        return row
    }

    /// The proto name of a stored enum number, e.g. "TRADE_FOREIGN".
    private static func name<E: ProtoEnum>(_ type: E.Type, _ value: SQLValue) -> String {
        guard case .int(let number) = value, let name = E(rawValue: Int32(truncatingIfNeeded: number)).protoValueName else {
            return "\(value)"
        }
        return name
    }

    private static func text(_ value: SQLValue) -> String {
        switch value {
        case .text(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default: return ""
        }
    }

    private static func bool(_ value: SQLValue) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .int(let number): return number != 0
        default: return false
        }
    }

    /// 第1表 入港船舶: ships and gross tonnage by class × trade × GT band.
    static let ships = Definition(
        number: 1,
        dimensions: [
            Column(key: "ship_class", ja: "船種", en: "Ship class"),
            Column(key: "trade", ja: "外航・内航", en: "Trade"),
            Column(key: "gross_tonnage_band", ja: "総トン数階級", en: "Gross tonnage band"),
        ],
        measures: [
            Column(key: "ships", ja: "隻数", en: "Ships", unit: "ships"),
            Column(key: "gross_tonnage", ja: "総トン数", en: "Gross tonnage", unit: "GT"),
        ],
        subtotalBy: [0, 1],
        rows: { queries, period, _ in
            try queries.aggregate(
                period, table: "survey_ship_lines", keys: ["ship_class", "trade", "band"],
                sums: ["l.ship_count", "l.ship_count * l.gross_tonnage"]
            ).map { aggregate in
                row(
                    [
                        name(Cyberport_Stats_V1_ShipClass.self, aggregate.keys[0]),
                        name(Cyberport_Stats_V1_Trade.self, aggregate.keys[1]),
                        name(Cyberport_Stats_V1_GrossTonnageBand.self, aggregate.keys[2]),
                    ], aggregate.sums)
            }
        })

    /// 第2表 船舶乗降人員: passengers embarked and disembarked by trade.
    static let passengers = Definition(
        number: 2,
        dimensions: [Column(key: "trade", ja: "外航・内航", en: "Trade")],
        measures: [
            Column(key: "embarked", ja: "乗込人員", en: "Embarked", unit: "persons"),
            Column(key: "disembarked", ja: "上陸人員", en: "Disembarked", unit: "persons"),
            Column(key: "passengers", ja: "乗降人員計", en: "Passengers", unit: "persons"),
        ],
        subtotalBy: [],
        rows: { queries, period, _ in
            try queries.aggregate(
                period, table: "survey_passenger_lines", keys: ["trade"],
                sums: ["l.embarked", "l.disembarked", "l.embarked + l.disembarked"]
            ).map { aggregate in row([name(Cyberport_Stats_V1_Trade.self, aggregate.keys[0])], aggregate.sums) }
        })

    /// 第3表 海上出入貨物: freight tons by commodity × cargo form × direction × partner port, with subtotals per
    /// direction, major class and form.
    static let cargo = Definition(
        number: 3,
        dimensions: [
            Column(key: "major_class", ja: "品種大分類", en: "Major class"),
            Column(key: "commodity_code", ja: "品種コード", en: "Commodity code"),
            Column(key: "commodity_name", ja: "品種", en: "Commodity"),
            Column(key: "cargo_form", ja: "貨物形態", en: "Cargo form"),
            Column(key: "direction", ja: "輸移出入", en: "Direction"),
            Column(key: "partner_port", ja: "仕向港・仕出港", en: "Partner port"),
        ],
        measures: [Column(key: "freight_tons_milli", ja: "フレート・トン (1/1000)", en: "Freight tons (thousandths)", unit: "FT/1000")],
        subtotalBy: [4, 0, 3],
        rows: { queries, period, commodities in
            try queries.aggregate(
                period, table: "survey_cargo_lines",
                keys: ["major_class", "commodity_code", "form", "direction", "partner_port"], sums: ["l.freight_tons_milli"]
            ).map { aggregate in
                let code = text(aggregate.keys[1])
                return row(
                    [
                        text(aggregate.keys[0]), code, commodities.commodity(code)?.nameJa ?? "",
                        name(Cyberport_Stats_V1_CargoForm.self, aggregate.keys[2]),
                        name(Cyberport_Stats_V1_CargoDirection.self, aggregate.keys[3]), text(aggregate.keys[4]),
                    ], aggregate.sums)
            }
        })

    /// 第4表 自動車航送車両台数: vehicles by kind × direction.
    static let vehicles = Definition(
        number: 4,
        dimensions: [
            Column(key: "vehicle_kind", ja: "車種", en: "Vehicle kind"),
            Column(key: "direction", ja: "輸移出入", en: "Direction"),
        ],
        measures: [Column(key: "vehicles", ja: "台数", en: "Vehicles", unit: "vehicles")],
        subtotalBy: [1],
        rows: { queries, period, _ in
            try queries.aggregate(period, table: "survey_vehicle_lines", keys: ["kind", "direction"], sums: ["l.vehicles"])
                .map { aggregate in
                    row(
                        [
                            name(Cyberport_Stats_V1_VehicleKind.self, aggregate.keys[0]),
                            name(Cyberport_Stats_V1_CargoDirection.self, aggregate.keys[1]),
                        ], aggregate.sums)
                }
        })

    /// 第5表 コンテナ個数・シャーシ台数: boxes, TEU, chassis and freight tons by direction × form × laden/empty.
    static let containers = Definition(
        number: 5,
        dimensions: [
            Column(key: "direction", ja: "輸移出入", en: "Direction"),
            Column(key: "cargo_form", ja: "貨物形態", en: "Cargo form"),
            Column(key: "load", ja: "実入・空", en: "Laden or empty"),
        ],
        measures: [
            Column(key: "containers", ja: "コンテナ個数", en: "Containers", unit: "boxes"),
            Column(key: "teu", ja: "TEU", en: "TEU", unit: "TEU"),
            Column(key: "chassis", ja: "シャーシ台数", en: "Chassis", unit: "chassis"),
            Column(key: "freight_tons_milli", ja: "フレート・トン (1/1000)", en: "Freight tons (thousandths)", unit: "FT/1000"),
        ],
        subtotalBy: [0, 1],
        rows: { queries, period, _ in
            try queries.aggregate(
                period, table: "survey_cargo_lines", keys: ["direction", "form", "empty"],
                sums: ["l.containers", "l.teu", "l.chassis", "l.freight_tons_milli"],
                where: "l.form IN (\(Cyberport_Stats_V1_CargoForm.container.rawValue), \(Cyberport_Stats_V1_CargoForm.chassis.rawValue))"
            ).map { aggregate in
                row(
                    [
                        name(Cyberport_Stats_V1_CargoDirection.self, aggregate.keys[0]),
                        name(Cyberport_Stats_V1_CargoForm.self, aggregate.keys[1]),
                        bool(aggregate.keys[2]) ? "EMPTY" : "LADEN",
                    ], aggregate.sums)
            }
        })
}

/// CSV (RFC 4180, CRLF) of a statistical table: a header of column keys after a "row" column, then the rows (row
/// column empty), the subtotals (their label) and the total ("total").
enum TableCSV {
    static func header(_ table: Cyberport_Stats_V1_StatisticalTable) -> String {
        line(["row"] + table.columns.map(\.key))
    }

    static func line(_ row: Cyberport_Stats_V1_TableRow) -> String {
        line([row.label] + row.dimensions + row.measures.map(String.init))
    }

    static func line(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\r\n"
    }

    static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
