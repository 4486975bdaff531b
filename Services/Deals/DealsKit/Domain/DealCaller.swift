import PortAuth
import PortRPC
import PortServiceKit

/// The authenticated caller of a deal method: a user or API key of an organization. Permission is checked before
/// existence: an organization that does not take part in a deal gets PERMISSION_DENIED for it whether or not it
/// exists.
struct DealCaller: Sendable {
    let principal: Principal
    /// "companies/{c}/organizations/{o}".
    let organization: String
    /// The organization id ({o}).
    let organizationID: String

    init(principal: Principal) throws {
        guard principal.kind == .user || principal.kind == .apiKey,
            let name = OrganizationName(principal.organization)
        else {
            throw Self.denied("only users and API keys of an organization may use deals")
        }
        self.principal = principal
        self.organization = name.description
        self.organizationID = name.organization
    }

    static func denied(_ message: String) -> RPCError {
        APIError.make(.permissionDenied, message, reason: "PERMISSION_DENIED")
    }

    /// The answer for a deal the caller does not take part in (whether or not it exists).
    static func notParticipant(_ deal: DealName) -> RPCError {
        denied("the caller's organization does not take part in \(deal)")
    }
}

/// "companies/{company}/organizations/{organization}".
struct OrganizationName: Sendable, Hashable, CustomStringConvertible {
    let company: String
    let organization: String

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "companies", parts[2] == "organizations",
            ResourceID.isWellFormed(parts[1]), ResourceID.isWellFormed(parts[3])
        else { return nil }
        company = String(parts[1])
        organization = String(parts[3])
    }

    init(parsing text: String, field: String) throws {
        guard let name = OrganizationName(text) else {
            throw APIError.invalidArgument(field: field, "expected \"companies/{company}/organizations/{organization}\"")
        }
        self = name
    }

    var description: String { "companies/\(company)/organizations/\(organization)" }
}

/// "deals/{deal_number}" with a deal number "EXP_yyyyMMdd_nnnnnn" or "IMP_yyyyMMdd_nnnnnn".
struct DealName: Sendable, Hashable, CustomStringConvertible {
    let dealNumber: String

    static func isDealNumber(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 19, text.hasPrefix("EXP_") || text.hasPrefix("IMP_"), bytes[12] == UInt8(ascii: "_")
        else { return false }
        return bytes[4..<12].allSatisfy { $0 >= 48 && $0 <= 57 } && bytes[13..<19].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    init(dealNumber: String) { self.dealNumber = dealNumber }

    init(parsing text: String, field: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == "deals", Self.isDealNumber(parts[1]) else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}\", e.g. deals/EXP_20261121_000123")
        }
        dealNumber = String(parts[1])
    }

    var description: String { "deals/\(dealNumber)" }
}

/// "deals/{deal_number}/participants/{organization id}".
struct ParticipantName: Sendable, Hashable, CustomStringConvertible {
    let deal: DealName
    let organizationID: String

    init(deal: DealName, organizationID: String) {
        self.deal = deal
        self.organizationID = organizationID
    }

    init(parsing text: String, field: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "deals", DealName.isDealNumber(parts[1]), parts[2] == "participants",
            ResourceID.isWellFormed(parts[3])
        else {
            throw APIError.invalidArgument(field: field, "expected \"deals/{deal_number}/participants/{organization id}\"")
        }
        deal = DealName(dealNumber: String(parts[1]))
        organizationID = String(parts[3])
    }

    var description: String { "\(deal)/participants/\(organizationID)" }
}
