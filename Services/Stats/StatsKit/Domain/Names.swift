import PortRPC
import PortServiceKit
import PortValidation

/// Resource names of the Stats service. Everything lives under a port: "ports/{locode}/…"; ids are the platform's
/// UUIDv7 resource ids.
enum StatsName {
    /// The UN/LOCODE of "ports/{locode}".
    static func port(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "ports", UNLocode.isValid(parts[1]) else {
            throw APIError.invalidArgument(field: field, "expected \"ports/{UN/LOCODE}\", e.g. ports/JPTYO")
        }
        return String(parts[1])
    }

    /// The port and id of "ports/{locode}/{collection}/{id}".
    static func child(_ text: String, field: String, collection: String) throws -> (port: String, id: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "ports", UNLocode.isValid(parts[1]), parts[2] == Substring(collection),
            ResourceID.isWellFormed(parts[3])
        else {
            throw APIError.invalidArgument(field: field, "expected \"ports/{UN/LOCODE}/\(collection)/{id}\"")
        }
        return (String(parts[1]), String(parts[3]))
    }

    /// The port, facility id and inspection id of "ports/{locode}/facilities/{id}/inspections/{id}".
    static func inspection(_ text: String, field: String) throws -> (port: String, facility: String, id: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[4] == "inspections", ResourceID.isWellFormed(parts[5]) else {
            throw APIError.invalidArgument(field: field, "expected \"ports/{UN/LOCODE}/facilities/{id}/inspections/{id}\"")
        }
        let facility = try child(parts[0..<4].joined(separator: "/"), field: field, collection: "facilities")
        return (facility.port, facility.id, String(parts[5]))
    }

    /// The port and facility id of "ports/{locode}/facilities/{id}/maintenancePlan".
    static func maintenancePlan(_ text: String, field: String) throws -> (port: String, facility: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[4] == "maintenancePlan" else {
            throw APIError.invalidArgument(field: field, "expected \"ports/{UN/LOCODE}/facilities/{id}/maintenancePlan\"")
        }
        let facility = try child(parts[0..<4].joined(separator: "/"), field: field, collection: "facilities")
        return (facility.port, facility.id)
    }

    static func portName(_ locode: String) -> String { "ports/\(locode)" }
    static func portCallReport(_ port: String, _ id: String) -> String { "ports/\(port)/portCallReports/\(id)" }
    static func submission(_ port: String, _ id: String) -> String { "ports/\(port)/surveySubmissions/\(id)" }
    static func facility(_ port: String, _ id: String) -> String { "ports/\(port)/facilities/\(id)" }
    static func inspection(_ port: String, _ facility: String, _ id: String) -> String {
        "ports/\(port)/facilities/\(facility)/inspections/\(id)"
    }
}
