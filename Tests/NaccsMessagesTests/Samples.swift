import NaccsMessages

/// Deterministic sample data for the codec tests.
enum Samples {
    static func catalog() throws -> NaccsCatalog { try NaccsCatalog.load() }

    /// A valid value of `item` for row `row`, as long as fits.
    static func value(_ item: NaccsItem, row: Int = 0) -> String {
        if let allowed = item.allowedValues { return allowed[row % allowed.count] }
        let candidate: String
        switch item.type {
        case .numeric: candidate = String(123_456_789 + row)
        case .alphanumeric: candidate = "AB-\(row)/C.9XYZ0123456789"
        case .text: candidate = "Text, with (symbols) & 'quotes'; row \(row)! @#$%*+=?<>[]{}|_"
        case .decimal: candidate = item.width >= 8 ? "12345.67\(row)" : "1\(row)"
        case .date: return "2024011\(row % 10)"
        case .time: return "09\(10 + row % 50)"
        }
        return String(candidate.prefix(item.width))
    }

    /// Values for every item of `layout`, filling `rows` rows of repeated groups.
    static func values(for layout: NaccsLayout, rows: Int = 2) -> NaccsItemValues {
        var values = NaccsItemValues()
        for group in layout.groups {
            for row in 0..<min(rows, group.repeatCount) {
                for field in group.fields { values.set(field.item.abbreviation, at: row, value(field.item, row: row)) }
            }
        }
        return values
    }

    static func inputHeader(_ code: String) -> NaccsInputHeader {
        NaccsInputHeader(
            businessCode: code, userCode: "ABC1D", identificationNumber: "001", password: "Secr3tPw",
            messageHandOver: "handover-\(code)", inputInformationID: "ID\(code)01", indexHandOver: "index for \(code)",
            systemID: "1")
    }

    static func outputHeader(_ code: String, outputCode: String, kind: NaccsMessageKind) -> NaccsOutputHeader {
        NaccsOutputHeader(
            businessCode: code, outputInformationCode: outputCode, receivedAt: "20240115093000", userCode: "ABC1D",
            userMailAddress: "broker@example.jp", subject: "12345678901", messageHandOver: "handover-\(code)",
            splitSerial: 1, isFinal: true, kind: kind, inputInformationID: "ID\(code)01", indexHandOver: "idx",
            destinationFormat: "1")
    }
}

/// SplitMix64: a small deterministic generator for the fuzz test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
