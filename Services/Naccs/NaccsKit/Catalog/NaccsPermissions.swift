import NaccsMessages

/// Which business types may do NACCS work for each business code (Services/Naccs/catalog/permissions.tsv, embedded by
/// its embed.sh): a participant of a deal whose business type is listed may save, send and read that code's forms,
/// sends and outputs.
public struct NaccsPermissions: Sendable {
    /// One row: the code, the business types and why.
    public struct Rule: Sendable, Hashable {
        public let code: String
        public let businessTypes: Set<String>
        public let reason: String
    }

    /// The twelve business-type keys (as Identity defines them).
    public static let businessTypeKeys: Set<String> = [
        "oceanShipping", "coastalFeeder", "shippingAgent", "roadTransport", "terminalOperator", "warehouseOperator",
        "customsBroker", "forwarder", "nvocc", "shipperOrConsignee", "vgmNotification", "vgmRegistration",
    ]

    public let rules: [String: Rule]

    /// The rule of `code`, nil for a code without one.
    public func rule(_ code: String) -> Rule? { rules[code] }

    /// Whether `businessType` may work with `code`.
    public func allows(_ businessType: String, code: String) -> Bool {
        rules[code]?.businessTypes.contains(businessType) ?? false
    }

    /// The codes `businessType` may work with.
    public func codes(for businessType: String) -> Set<String> {
        Set(rules.values.filter { $0.businessTypes.contains(businessType) }.map(\.code))
    }

    /// The embedded table, checked against `catalog`: every business code has exactly one row, every row names a code
    /// of the catalog and known business types, and gives a reason. Throws listing the problems.
    public static func load(catalog: NaccsCatalog) throws -> NaccsPermissions {
        let text = RelayCatalogData.files.first { $0.path == "permissions.tsv" }?.contents ?? ""
        return try parse(text, catalog: catalog)
    }

    /// Parses a permissions table (see `load`).
    public static func parse(_ text: String, catalog: NaccsCatalog) throws -> NaccsPermissions {
        var problems: [String] = []
        var rules: [String: Rule] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.first == "code\tbusiness_types\treason" else {
            throw NaccsPermissionsError(problems: ["permissions.tsv:1: expected the header code, business_types, reason"])
        }
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let at = "permissions.tsv:\(index + 1)"
            guard fields.count == 3 else {
                problems.append("\(at): expected 3 tab-separated fields")
                continue
            }
            let types = Set(fields[1].split(separator: ",").map(String.init))
            if catalog.businessCode(fields[0]) == nil { problems.append("\(at): unknown business code \(fields[0])") }
            if rules[fields[0]] != nil { problems.append("\(at): a second row for \(fields[0])") }
            if types.isEmpty { problems.append("\(at): no business types") }
            for type in types where !businessTypeKeys.contains(type) { problems.append("\(at): unknown business type \(type)") }
            if fields[2].trimmingBlanks.isEmpty { problems.append("\(at): no reason") }
            rules[fields[0]] = Rule(code: fields[0], businessTypes: types, reason: fields[2])
        }
        for code in catalog.businessCodes where rules[code.code] == nil {
            problems.append("permissions.tsv: no row for \(code.code)")
        }
        guard problems.isEmpty else { throw NaccsPermissionsError(problems: problems) }
        return NaccsPermissions(rules: rules)
    }
}

/// What is wrong with the permissions table.
public struct NaccsPermissionsError: Error, Sendable, CustomStringConvertible {
    public let problems: [String]
    public var description: String { problems.joined(separator: "\n") }
}

extension String {
    var trimmingBlanks: Substring {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
