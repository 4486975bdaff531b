import Foundation
import NaccsMessages

/// An output decoded with the catalog's layouts: its result codes, its items and its JSON representation.
struct DecodedOutput: Sendable {
    var resultCodes: [NaccsResultCode]
    /// The body's items by abbreviation (without the result codes); empty when the layout is unknown or the body
    /// does not decode.
    var values: NaccsItemValues
    /// The layout used ("EDA.notice", "IEX.reply", "EXPORT-PERMIT"), nil when none fits.
    var layout: String?
    var json: String

    /// Decodes `message` (the business code's result notice, reply, or a report by output information code).
    init(_ message: NaccsOutputMessage, catalog: NaccsCatalog) {
        let header = message.header
        let business = catalog.businessCode(header.businessCode)
        var codes: [NaccsResultCode] = []
        var layout: NaccsLayout?
        switch header.kind {
        case .resultNotice:
            codes = (try? message.resultCodes()) ?? []
            if codes.allSatisfy({ !$0.isError }) { layout = business?.resultNotice }
        case .screen, .inquiryResult:
            layout = business?.reply
        case .report, .stored:
            layout = catalog.report(outputCode: header.outputInformationCode)?.layout
        }
        var values = NaccsItemValues()
        var used: String?
        if let layout, let decoded = try? layout.decode(message.body) {
            values = decoded
            values.setOccurrences("RCD", [])
            used = layout.name
        }
        resultCodes = codes
        self.values = values
        self.layout = used
        json = Self.json(message: message, codes: codes, values: values, layout: layout, catalog: catalog)
    }

    private struct JSONOutput: Encodable {
        var header: [String: String]
        var resultCodes: [JSONResultCode]
        var layout: String?
        var items: [String: JSONValue]
    }

    private struct JSONResultCode: Encodable {
        var code: String
        var resultClass: String
        var item: String
        var repetition: Int
    }

    private enum JSONValue: Encodable {
        case single(String)
        case many([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .single(let value): try container.encode(value)
            case .many(let values): try container.encode(values)
            }
        }
    }

    private static func json(
        message: NaccsOutputMessage, codes: [NaccsResultCode], values: NaccsItemValues, layout: NaccsLayout?,
        catalog: NaccsCatalog
    ) -> String {
        let h = message.header
        var items: [String: JSONValue] = [:]
        for group in layout?.groups ?? [] {
            for field in group.fields where field.item.abbreviation != "RCD" {
                let occurrences = values.occurrences(field.item.abbreviation)
                guard !occurrences.isEmpty else { continue }
                items[field.item.name] = group.repeatCount > 1 ? .many(occurrences) : .single(occurrences[0])
            }
        }
        let output = JSONOutput(
            header: [
                "businessCode": h.businessCode, "outputInformationCode": h.outputInformationCode, "receivedAt": h.receivedAt,
                "userCode": h.userCode, "subject": h.subject, "kind": h.kind.rawValue,
                "inputInformationId": h.inputInformationID, "indexHandOver": h.indexHandOver,
                "splitSerial": String(h.splitSerial), "isFinal": h.isFinal ? "true" : "false",
            ],
            resultCodes: codes.map {
                JSONResultCode(
                    code: $0.description, resultClass: $0.resultClass?.rawValue ?? "", item: $0.itemAbbreviation ?? "",
                    repetition: $0.repetition)
            },
            layout: layout?.name, items: items)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(output)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Which numbers and statuses NACCS issues are written back into the deal (root-document "naccs.*" paths), by the
/// layout of the output that carries them.
enum IssuedNumbers {
    /// (layout, item or nil for a fixed value, path, fixed value).
    private static let rules: [(layout: String, item: String?, path: String, fixed: String?)] = [
        ("ECR.notice", "ECN", "naccs.exportControlNumber", nil),
        ("SCR.notice", "ECN", "naccs.exportControlNumber", nil),
        ("EDA.notice", "DNO", "naccs.exportDeclarationNumber", nil),
        ("EDC.notice", nil, "naccs.exportPermitStatus", "DECLARED"),
        ("EXPORT-PERMIT", nil, "naccs.exportPermitStatus", "PERMITTED"),
        ("EXPORT-PERMIT", "PMD", "naccs.exportPermitDate", nil),
        ("IDA.notice", "DNO", "naccs.importDeclarationNumber", nil),
        ("IDC.notice", nil, "naccs.importPermitStatus", "DECLARED"),
        ("IMPORT-PERMIT", nil, "naccs.importPermitStatus", "PERMITTED"),
        ("IMPORT-PERMIT", "PMD", "naccs.importPermitDate", nil),
        ("DOR.notice", nil, "naccs.deliveryOrderStatus", "REGISTERED"),
    ]

    /// The layouts whose outputs arrive later and are waited for after a send of the business code (EDC → the export
    /// permit).
    static func awaitsReport(_ code: String, catalog: NaccsCatalog) -> Bool { catalog.report(triggeredBy: code) != nil }

    /// The values `decoded` carries, as (path, value) in root-document format (dates yyyy-MM-dd).
    static func values(of decoded: DecodedOutput) -> [(path: String, value: String)] {
        guard let layout = decoded.layout, decoded.resultCodes.allSatisfy({ !$0.isError }) else { return [] }
        var result: [(path: String, value: String)] = []
        for rule in rules where rule.layout == layout {
            if let fixed = rule.fixed {
                result.append((rule.path, fixed))
            } else if let item = rule.item, let value = decoded.values[item] {
                result.append((rule.path, rule.path.hasSuffix("Date") ? dashed(value) : value))
            }
        }
        return result
    }

    static func dashed(_ date: String) -> String {
        guard date.utf8.count == 8 else { return date }
        let characters = Array(date)
        return String(characters[0..<4]) + "-" + String(characters[4..<6]) + "-" + String(characters[6..<8])
    }
}
