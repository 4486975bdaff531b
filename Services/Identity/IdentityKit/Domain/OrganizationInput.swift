import PortRPC
import PortServiceKit

/// Validation of organization fields.
enum OrganizationInput {
    /// UN/LOCODEs, normalised, de-duplicated, at most 50.
    static func ports(_ ports: [String], field: String) throws -> [String] {
        guard ports.count <= 50 else { throw APIError.invalidArgument(field: field, "at most 50 ports") }
        var result: [String] = []
        for (index, port) in ports.enumerated() {
            let code = try Validate.unLocode(port, field: "\(field)[\(index)]")
            if !result.contains(code) { result.append(code) }
        }
        return result
    }

    /// Business-type keys that the company holds (approved), in catalogue order.
    static func businessTypes(_ keys: [String], field: String, approved: [String], company: String) throws -> [String] {
        for (index, key) in keys.enumerated() {
            _ = try Validate.businessType(key, field: "\(field)[\(index)]")
            guard approved.contains(key) else {
                throw APIError.invalidArgument(
                    field: "\(field)[\(index)]",
                    "companies/\(company) does not hold business type \"\(key)\" (approved: \(approved.isEmpty ? "none" : approved.joined(separator: ", ")))",
                    reason: "BUSINESS_TYPE_NOT_HELD")
            }
        }
        return BusinessTypeCatalog.ordered(keys)
    }
}
