import PortAuth
import PortRPC
import PortServiceKit

/// The authenticated caller of a Stats method: a user or API key of an organization. Port authorities are the
/// organizations whose tokens carry managed ports (Identity: public bodies, Organization.managed_ports); they see and
/// decide everything of those ports. Others see what their own organization filed or submitted. Permission is
/// checked before existence: a caller who may not see a resource gets PERMISSION_DENIED whether or not it exists.
struct StatsCaller: Sendable {
    let principal: Principal
    /// "companies/{c}/organizations/{o}".
    let organization: String
    /// The organization id ({o}).
    let organizationID: String
    /// UN/LOCODEs the organization manages as port authority.
    let managedPorts: Set<String>

    /// Business types that file arrival and departure reports: carriers and ship agents.
    static let portCallFilers: Set<String> = ["oceanShipping", "coastalFeeder", "shippingAgent"]

    init(principal: Principal) throws {
        guard principal.kind == .user || principal.kind == .apiKey else {
            throw Self.denied("only users and API keys of an organization may use the Stats service")
        }
        let parts = principal.organization.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "companies", parts[2] == "organizations", !parts[3].isEmpty else {
            throw Self.denied("the caller does not act for an organization")
        }
        self.principal = principal
        organization = principal.organization
        organizationID = String(parts[3])
        managedPorts = Set(principal.ports)
    }

    /// Whether the caller's organization is an authority of `port`.
    func manages(_ port: String) -> Bool { managedPorts.contains(port) }

    /// PERMISSION_DENIED unless the caller's organization is an authority of `port`.
    func requireAuthority(_ port: String, _ what: String) throws {
        guard manages(port) else {
            throw Self.denied("only the port authority of \(port) may \(what)")
        }
    }

    /// Whether the caller's organization may file arrival and departure reports.
    var filesPortCalls: Bool { !principal.businessTypes.isDisjoint(with: Self.portCallFilers) }

    static func denied(_ message: String) -> RPCError {
        APIError.make(.permissionDenied, message, reason: "PERMISSION_DENIED")
    }
}
