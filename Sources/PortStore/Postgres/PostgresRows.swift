import CLibPQ

/// Decodes a text-format PGresult into rows: booleans, integers, floats and bytea (hex) by column type, everything
/// else as text. `numeric` (e.g. SUM of BIGINT) becomes `.int` when integral, as SQLite returns it.
enum PostgresRows {
    static func decode(_ result: OpaquePointer) -> [SQLRow] {
        let rowCount = PQntuples(result)
        let columnCount = PQnfields(result)
        guard rowCount > 0 else { return [] }
        var names: [String] = []
        var types: [Oid] = []
        for column in 0..<columnCount {
            names.append(PQfname(result, column).map { String(cString: $0) } ?? "?column?")
            types.append(PQftype(result, column))
        }
        let columns = SQLColumns(names: names)
        var rows: [SQLRow] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            var values: [SQLValue] = []
            values.reserveCapacity(Int(columnCount))
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) != 0 {
                    values.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, row, column))
                let bytes = PQgetvalue(result, row, column).map {
                    UnsafeRawBufferPointer(start: $0, count: length).bindMemory(to: UInt8.self)
                } ?? UnsafeBufferPointer(start: nil, count: 0)
                values.append(decode(bytes, type: types[Int(column)]))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, type: Oid) -> SQLValue {
        let text = { String(decoding: bytes, as: UTF8.self) }
        switch type {
        case PostgresType.bool:
            return .bool(bytes.first == UInt8(ascii: "t"))
        case PostgresType.int8, PostgresType.int4, PostgresType.int2, PostgresType.oid:
            return Int64(text()).map { .int($0) } ?? .text(text())
        case PostgresType.float8, PostgresType.float4:
            return double(text()).map { .double($0) } ?? .text(text())
        case PostgresType.numeric:
            let value = text()
            if let integer = Int64(value) { return .int(integer) }
            return double(value).map { .double($0) } ?? .text(value)
        case PostgresType.bytea:
            return hexBytea(bytes).map { .bytes($0) } ?? .text(text())
        default:
            return .text(text())
        }
    }

    private static func double(_ text: String) -> Double? {
        switch text {
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        case "NaN": return .nan
        default: return Double(text)
        }
    }

    /// Decodes `\x0a1b…` (bytea_output = hex, set on every connection).
    private static func hexBytea(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0
        else { return nil }
        var output = [UInt8](repeating: 0, count: (bytes.count - 2) / 2)
        var index = 2
        var position = 0
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            output[position] = high << 4 | low
            position += 1
            index += 2
        }
        return output
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
