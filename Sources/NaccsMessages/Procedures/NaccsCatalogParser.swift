/// Parses the catalog TSV files (header line first, tab-separated, `-` for none) and collects every problem.
struct NaccsCatalogParser {
    private(set) var problems: [NaccsCatalogError.Problem] = []

    /// A row with its line number and columns by header name.
    private struct Row {
        let line: Int
        let columns: [String: String]
        subscript(name: String) -> String { columns[name] ?? "" }
        func optional(_ name: String) -> String? {
            let value = self[name]
            return value == "-" || value.isEmpty ? nil : value
        }
    }

    private mutating func problem(_ file: String, _ line: Int, _ message: String) {
        problems.append(.init(file: file, line: line, message: message))
    }

    private mutating func rows(_ files: [String: String], _ file: String, columns: [String]) -> [Row] {
        guard let text = files[file] else {
            problem(file, 0, "missing")
            return []
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
            header == columns
        else {
            problem(file, 1, "the header must be \(columns.joined(separator: " | "))")
            return []
        }
        var rows: [Row] = []
        for (index, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == columns.count else {
                problem(file, index + 1, "\(fields.count) columns, expected \(columns.count)")
                continue
            }
            rows.append(Row(line: index + 1, columns: Dictionary(uniqueKeysWithValues: zip(columns, fields))))
        }
        return rows
    }

    static func isAbbreviation(_ text: String) -> Bool {
        (3...4).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
            && text.utf8.first.map { $0 >= 0x41 } == true
    }

    mutating func parse(files: [String: String]) -> NaccsCatalog? {
        let items = parseItems(files)
        let layouts = parseLayouts(files, items: items)
        let codes = parseBusinessCodes(files, layouts: layouts)
        let reports = parseReports(files, layouts: layouts, codes: codes)
        if layouts["RESULT"]?.fields.map(\.item.abbreviation) != ["RCD"] {
            problem("layouts.tsv", 0, "the RESULT layout must be the RCD item repeated")
        }
        guard problems.isEmpty else { return nil }
        return NaccsCatalog(
            businessCodes: codes, items: Dictionary(uniqueKeysWithValues: items.map { ($0.abbreviation, $0) }),
            layouts: layouts, reports: reports)
    }

    private mutating func parseItems(_ files: [String: String]) -> [NaccsItem] {
        let file = "items.tsv"
        var items: [NaccsItem] = []
        var seen: Set<String> = []
        for row in rows(files, file, columns: ["item", "name", "label_ja", "width", "type", "values", "root"]) {
            let abbreviation = row["item"]
            guard Self.isAbbreviation(abbreviation) else {
                problem(file, row.line, "item \(abbreviation): 3-4 upper-case letters or digits, starting with a letter")
                continue
            }
            guard seen.insert(abbreviation).inserted else {
                problem(file, row.line, "item \(abbreviation) defined twice")
                continue
            }
            guard let width = Int(row["width"]), (1...999).contains(width) else {
                problem(file, row.line, "\(abbreviation): width must be 1-999")
                continue
            }
            guard let type = NaccsItemType(rawValue: row["type"]) else {
                problem(file, row.line, "\(abbreviation): type must be one of n, an, x, dec, date, time")
                continue
            }
            let name = row["name"]
            guard let first = name.utf8.first, first >= 0x61, first <= 0x7A,
                name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) })
            else {
                problem(file, row.line, "\(abbreviation): name must be lowerCamel")
                continue
            }
            if (type == .date && width != 8) || (type == .time && width != 4) {
                problem(file, row.line, "\(abbreviation): a date is 8 wide, a time 4")
            }
            let values = row.optional("values").map { $0.split(separator: ",").map(String.init) }
            for value in values ?? [] {
                var scratch: [UInt8] = []
                do throws(NaccsFittingError) {
                    try FixedWidth.append(value, width: width, characterSet: type.characterSet, field: abbreviation, to: &scratch)
                } catch {
                    problem(file, row.line, "allowed value \(value): \(error)")
                }
            }
            let root = row.optional("root")
            if let root, root.contains(" ") || root.hasPrefix(".") || root.hasSuffix(".") {
                problem(file, row.line, "\(abbreviation): root path \(root) is malformed")
            }
            items.append(
                NaccsItem(
                    abbreviation: abbreviation, name: name, labelJa: row["label_ja"], width: width, type: type,
                    allowedValues: values, rootPath: root))
        }
        return items
    }

    private mutating func parseLayouts(_ files: [String: String], items: [NaccsItem]) -> [String: NaccsLayout] {
        let file = "layouts.tsv"
        let byAbbreviation = Dictionary(items.map { ($0.abbreviation, $0) }, uniquingKeysWith: { first, _ in first })
        var order: [String] = []
        var groupsByLayout: [String: [NaccsLayout.Group]] = [:]
        var itemsByLayout: [String: Set<String>] = [:]
        for row in rows(files, file, columns: ["layout", "item", "required", "repeat", "group"]) {
            let name = row["layout"]
            guard !name.isEmpty else {
                problem(file, row.line, "layout name missing")
                continue
            }
            guard let item = byAbbreviation[row["item"]] else {
                problem(file, row.line, "\(name): unknown item \(row["item"])")
                continue
            }
            guard itemsByLayout[name, default: []].insert(item.abbreviation).inserted else {
                problem(file, row.line, "\(name): item \(item.abbreviation) appears twice")
                continue
            }
            guard row["required"] == "M" || row["required"] == "C" else {
                problem(file, row.line, "\(name).\(item.abbreviation): required must be M or C")
                continue
            }
            guard let repeatCount = Int(row["repeat"]), (1...999).contains(repeatCount) else {
                problem(file, row.line, "\(name).\(item.abbreviation): repeat must be 1-999")
                continue
            }
            let groupName = row.optional("group")
            if groupName == nil, repeatCount != 1 {
                problem(file, row.line, "\(name).\(item.abbreviation): a repeated item needs a group name")
                continue
            }
            if groupsByLayout[name] == nil { order.append(name) }
            var groups = groupsByLayout[name, default: []]
            let field = NaccsLayout.Field(item: item, required: row["required"] == "M")
            if let groupName, let last = groups.last, last.name == groupName {
                if last.repeatCount != repeatCount {
                    problem(file, row.line, "\(name).\(groupName): every row of a group has the same repeat count")
                }
                groups[groups.count - 1] = NaccsLayout.Group(
                    name: groupName, repeatCount: last.repeatCount, fields: last.fields + [field])
            } else {
                if let groupName, groups.contains(where: { $0.name == groupName }) {
                    problem(file, row.line, "\(name).\(groupName): a group's rows must be consecutive")
                }
                groups.append(NaccsLayout.Group(name: groupName, repeatCount: repeatCount, fields: [field]))
            }
            groupsByLayout[name] = groups
        }
        var layouts: [String: NaccsLayout] = [:]
        for name in order {
            let layout = NaccsLayout(name: name, groups: groupsByLayout[name] ?? [])
            if layout.byteCount + NaccsMessageLimits.headerLineLength > NaccsMessageLimits.maximumMessageLength {
                problem(file, 0, "\(name): \(layout.byteCount) bytes exceed the NACCS message maximum")
            }
            layouts[name] = layout
        }
        return layouts
    }

    private mutating func parseBusinessCodes(_ files: [String: String], layouts: [String: NaccsLayout]) -> [NaccsBusinessCode] {
        let file = "business-codes.tsv"
        let columns = ["id", "code", "name_ja", "name_en", "kind", "published", "input", "result", "reply", "source"]
        var codes: [NaccsBusinessCode] = []
        var seen: Set<String> = []
        for row in rows(files, file, columns: columns) {
            let code = row["code"]
            guard (3...5).contains(code.utf8.count),
                code.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }),
                seen.insert(code).inserted
            else {
                problem(file, row.line, "code \(code): 3-5 upper-case letters or digits, once")
                continue
            }
            guard let kind = NaccsProcedureKind(rawValue: row["kind"]) else {
                problem(file, row.line, "\(code): kind must be register, call, register_and_call or inquiry")
                continue
            }
            guard NaccsDate.isValid(row["published"].replacingDashes()) else {
                problem(file, row.line, "\(code): published must be yyyy-MM-dd")
                continue
            }
            guard let input = layouts[row["input"]] else {
                problem(file, row.line, "\(code): no input layout \(row["input"])")
                continue
            }
            let result = row.optional("result").flatMap { layouts[$0] }
            let reply = row.optional("reply").flatMap { layouts[$0] }
            if let name = row.optional("result"), result == nil { problem(file, row.line, "\(code): no layout \(name)") }
            if let name = row.optional("reply"), reply == nil { problem(file, row.line, "\(code): no layout \(name)") }
            if (kind == .inquiry || kind == .call || kind == .registerAndCall) != (reply != nil) {
                problem(file, row.line, "\(code): calls and inquiries have a reply layout, registrations none")
            }
            if row["source"].isEmpty { problem(file, row.line, "\(code): the source of its item list is missing") }
            let resultCodes = layouts["RESULT"] ?? NaccsLayout(name: "RESULT", groups: [])
            let notice =
                result.map { resultCodes.followed(by: $0, name: "\(code).notice") }
                ?? NaccsLayout(name: "\(code).notice", groups: resultCodes.groups)
            codes.append(
                NaccsBusinessCode(
                    id: row["id"], code: code, nameJa: row["name_ja"], nameEn: row["name_en"], kind: kind,
                    publishedOn: row["published"], input: input, result: result, reply: reply, source: row["source"],
                    resultNotice: notice))
        }
        return codes
    }

    private mutating func parseReports(
        _ files: [String: String], layouts: [String: NaccsLayout], codes: [NaccsBusinessCode]
    ) -> [NaccsReport] {
        let file = "reports.tsv"
        var reports: [NaccsReport] = []
        for row in rows(files, file, columns: ["output_code", "name_ja", "name_en", "kind", "layout", "trigger"]) {
            let outputCode = row["output_code"]
            guard outputCode.utf8.count == 7 else {
                problem(file, row.line, "\(outputCode): an output information code has 7 characters")
                continue
            }
            guard let kind = NaccsMessageKind(rawValue: row["kind"]), let layout = layouts[row["layout"]] else {
                problem(file, row.line, "\(outputCode): unknown kind or layout")
                continue
            }
            guard codes.contains(where: { $0.code == row["trigger"] }) else {
                problem(file, row.line, "\(outputCode): unknown trigger \(row["trigger"])")
                continue
            }
            reports.append(
                NaccsReport(
                    outputCode: outputCode, nameJa: row["name_ja"], nameEn: row["name_en"], kind: kind, layout: layout,
                    trigger: row["trigger"]))
        }
        return reports
    }
}

extension String {
    fileprivate func replacingDashes() -> String { String(filter { $0 != "-" }) }
}
