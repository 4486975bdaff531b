import PortAuth
import PortRPC
import PortServiceKit

/// Resource names of the relay, parsed from requests (INVALID_ARGUMENT naming the field otherwise).
enum RelayNames {
    /// Whether `text` is a deal number "EXP_yyyyMMdd_nnnnnn" / "IMP_yyyyMMdd_nnnnnn".
    static func isDealNumber(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, text.hasPrefix("EXP_") || text.hasPrefix("IMP_"), bytes[12] == UInt8(ascii: "_") else {
            return false
        }
        return bytes[4..<12].allSatisfy { $0 >= 48 && $0 <= 57 } && bytes[13..<19].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// "deals/{deal_number}" → the deal number.
    static func deal(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "deals", isDealNumber(parts[1]) else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}\", e.g. deals/EXP_20261121_000123")
        }
        return String(parts[1])
    }

    /// "deals/{deal_number}/{collection}/{id}" → (deal number, id).
    static func child(_ text: String, collection: String, field: String) throws -> (deal: String, id: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "deals", isDealNumber(parts[1]), parts[2] == Substring(collection),
            !parts[3].isEmpty, parts[3].utf8.count <= 60
        else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}/\(collection)/{id}\"")
        }
        return (String(parts[1]), String(parts[3]))
    }

    /// "deals/{deal_number}/naccsInformation" → the deal number.
    static func information(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "deals", isDealNumber(parts[1]), parts[2] == "naccsInformation" else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}/naccsInformation\"")
        }
        return String(parts[1])
    }

    /// "naccsOutputs/{id}" → the id.
    static func output(_ text: String, field: String) throws -> String {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "naccsOutputs", ResourceID.isWellFormed(parts[1]) else {
            throw APIError.invalidArgument(field: field, "expected \"naccsOutputs/{key}\"")
        }
        return String(parts[1])
    }

    /// "companies/{c}/organizations/{o}" → (name, organization id).
    static func organization(_ text: String, field: String) throws -> (name: String, id: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "companies", parts[2] == "organizations", ResourceID.isWellFormed(parts[1]),
            ResourceID.isWellFormed(parts[3])
        else {
            throw APIError.invalidArgument(field: field, "expected \"companies/{company}/organizations/{organization}\"")
        }
        return (text, String(parts[3]))
    }

    /// "companies/{c}/organizations/{o}/naccsCredentials/{id}" → (organization name, credential id).
    static func credential(_ text: String, field: String) throws -> (organization: String, id: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "companies", parts[2] == "organizations", parts[4] == "naccsCredentials",
            ResourceID.isWellFormed(parts[1]), ResourceID.isWellFormed(parts[3]), ResourceID.isWellFormed(parts[5])
        else {
            throw APIError.invalidArgument(
                field: field, "expected \"companies/{company}/organizations/{organization}/naccsCredentials/{id}\"")
        }
        return (parts[0..<4].joined(separator: "/"), String(parts[5]))
    }

    /// A NACCS form id: the business code, or "{code}~{custom id}".
    static func formID(code: String, customID: String) -> String { customID.isEmpty ? code : "\(code)~\(customID)" }

    /// Splits a form id into (code, custom id).
    static func splitFormID(_ id: String) -> (code: String, customID: String) {
        guard let tilde = id.firstIndex(of: "~") else { return (id, "") }
        return (String(id[..<tilde]), String(id[id.index(after: tilde)...]))
    }

    /// Whether `text` is 1–`maximum` of A–Z a–z 0–9 - _ (and `.` when `dots`).
    static func isToken(_ text: String, maximum: Int, dots: Bool = false) -> Bool {
        (1...maximum).contains(text.utf8.count)
            && text.utf8.allSatisfy {
                ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D
                    || $0 == 0x5F || (dots && $0 == 0x2E)
            }
    }
}

/// The authenticated caller of a relay method: a user or API key of an organization.
struct RelayCaller: Sendable {
    let principal: Principal
    /// "companies/{c}/organizations/{o}" and its id.
    let organization: String
    let organizationID: String
    /// The caller's "authorization" value, passed through to Deals so that Deals checks the caller's participation.
    let bearer: String

    init(principal: Principal, bearer: String) throws {
        guard principal.kind == .user || principal.kind == .apiKey,
            let name = try? RelayNames.organization(principal.organization, field: "token")
        else { throw RelayErrors.denied("only users and API keys of an organization may use the NACCS relay") }
        self.principal = principal
        self.organization = name.name
        self.organizationID = name.id
        self.bearer = bearer
    }
}

/// Errors the relay answers with.
enum RelayErrors {
    static func denied(_ message: String) -> RPCError {
        APIError.make(.permissionDenied, message, reason: "PERMISSION_DENIED")
    }

    static func failedPrecondition(_ message: String, reason: String = "FAILED_PRECONDITION") -> RPCError {
        APIError.make(.failedPrecondition, message, reason: reason)
    }
}
