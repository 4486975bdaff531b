import Foundation
import NaccsMessages
import PortProtocol
import PortRPC
import PortServiceKit

/// Filling, checking and converting the items of a NACCS form.
enum NaccsFormValues {
    /// The values of `layout` the deal's root document holds: each item with a root path takes the path's value (a
    /// repeated path, "containers[].containerNo", gives one occurrence per row, at most the group's repeat count).
    /// Dates lose their dashes, codes are upper-cased; a value that still does not fit its item is left blank.
    static func prefill(_ layout: NaccsLayout, root: DealRootDocument) -> NaccsItemValues {
        var values = NaccsItemValues()
        for group in layout.groups {
            for field in group.fields {
                let item = field.item
                guard let path = item.rootPath else { continue }
                var occurrences: [String]
                if let cut = path.range(of: "[].") {
                    let rows = root.rows[String(path[..<cut.lowerBound]) + "[]"] ?? []
                    let key = String(path[cut.upperBound...])
                    occurrences = rows.prefix(group.repeatCount).map { $0[key] ?? "" }
                } else {
                    occurrences = root.values[path].map { [$0] } ?? []
                }
                occurrences = occurrences.map { fitting(adapt($0, to: item), item: item) }
                if occurrences.contains(where: { !$0.isEmpty }) { values.setOccurrences(item.abbreviation, occurrences) }
            }
        }
        return values
    }

    /// A root-document value in the item's format.
    static func adapt(_ value: String, to item: NaccsItem) -> String {
        switch item.type {
        case .date: return value.filter { $0 != "-" }
        case .time: return value.filter { $0 != ":" }
        case .alphanumeric: return value.uppercased()
        case .decimal: return value.filter { $0 != "," }
        case .numeric, .text: return value
        }
    }

    /// `value` when it fits the item (width and characters), else "".
    static func fitting(_ value: String, item: NaccsItem) -> String {
        let single = NaccsLayout(name: "fit", groups: [.init(name: nil, repeatCount: 1, fields: [.init(item: item, required: false)])])
        var probe = NaccsItemValues()
        probe[item.abbreviation] = value
        return (try? single.encode(probe)) == nil ? "" : value
    }

    /// The request's items applied over `base`: each item given replaces that item's occurrences. INVALID_ARGUMENT
    /// naming "items[i].item" for an item that is not in the layout.
    static func apply(_ items: [Cyberport_Naccs_V1_NaccsItem], to base: NaccsItemValues, layout: NaccsLayout, field: String)
        throws -> NaccsItemValues
    {
        var values = base
        var seen: Set<String> = []
        for (index, item) in items.enumerated() {
            guard layout.field(item.item) != nil else {
                throw APIError.invalidArgument(
                    field: "\(field)[\(index)].item", "\"\(item.item)\" is not an item of \(layout.name)")
            }
            guard seen.insert(item.item).inserted else {
                throw APIError.invalidArgument(field: "\(field)[\(index)].item", "\(item.item) is given twice")
            }
            values.setOccurrences(item.item, item.values)
        }
        return values
    }

    /// INVALID_ARGUMENT naming the item ("items.CNO[2]") when a value does not fit its item or breaks its format
    /// (dates, times, decimals, allowed values). Blank mandatory items are allowed here (see `missing`).
    static func validate(_ values: NaccsItemValues, layout: NaccsLayout) throws {
        do {
            _ = try layout.encode(values)
        } catch {
            throw APIError.invalidArgument(field: "items.\(fittingField(error))", error.description)
        }
        if let problem = layout.check(values).first(where: { $0.kind != .missing }) {
            throw APIError.invalidArgument(field: "items.\(problem.item)[\(problem.occurrence)]", problem.description)
        }
    }

    /// The mandatory items that are blank ("CNO[1]").
    static func missing(_ values: NaccsItemValues, layout: NaccsLayout) -> [String] {
        layout.check(values).filter { $0.kind == .missing }.map { "\($0.item)[\($0.occurrence)]" }
    }

    static func fittingField(_ error: NaccsFittingError) -> String {
        switch error {
        case .tooLong(let field, _, _), .invalidCharacter(let field, _, _), .untrimmed(let field),
            .tooManyOccurrences(let field, _, _), .outOfRange(let field, _, _):
            return field
        case .unknownItem(_, let item): return item
        case .messageTooLong: return "*"
        }
    }

    /// The values as proto items, in layout order.
    static func proto(_ values: NaccsItemValues, layout: NaccsLayout) -> [Cyberport_Naccs_V1_NaccsItem] {
        layout.fields.compactMap { field in
            let occurrences = values.occurrences(field.item.abbreviation)
            guard !occurrences.isEmpty else { return nil }
            var item = Cyberport_Naccs_V1_NaccsItem()
            item.item = field.item.abbreviation
            item.values = occurrences
            return item
        }
    }

    /// Stored JSON of the values: {"CNO": ["…", …], …}.
    static func json(_ values: NaccsItemValues) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(values.items), as: UTF8.self)
    }

    /// Values from stored JSON.
    static func values(json: String) throws -> NaccsItemValues {
        let items = try JSONDecoder().decode([String: [String]].self, from: Data(json.utf8))
        var values = NaccsItemValues()
        for (item, occurrences) in items { values.setOccurrences(item, occurrences) }
        return values
    }
}
