import PortAuth
import PortRPC
import PortServiceKit

/// The authenticated caller of an Identity method and the authorization rules. Permission is checked before
/// existence: a caller outside a company gets PERMISSION_DENIED for its resources whether or not they exist.
struct Caller: Sendable {
    let principal: Principal

    /// The caller's company id ("companies/{id}" → id).
    var companyID: String? {
        principal.company.hasPrefix("companies/") ? String(principal.company.dropFirst("companies/".count)) : nil
    }

    var isOperator: Bool { principal.isOperator }
    var isService: Bool { principal.isService }

    /// Platform operators only.
    func requireOperator(_ action: String) throws {
        guard isOperator else { throw Self.denied("only platform operators may \(action)") }
    }

    /// Members of the company (any user or API key of it), operators and services.
    func requireMember(of company: String) throws {
        guard isOperator || isService || companyID == company else {
            throw Self.denied("the caller does not belong to companies/\(company)")
        }
    }

    /// Administrators of the company and operators.
    func requireAdministrator(of company: String) throws {
        if isOperator { return }
        guard companyID == company else { throw Self.denied("the caller does not belong to companies/\(company)") }
        guard principal.kind == .user, principal.isAdministrator else {
            throw Self.denied("only administrators of companies/\(company) may do this")
        }
    }

    static func denied(_ message: String) -> RPCError {
        APIError.make(.permissionDenied, message, reason: "PERMISSION_DENIED")
    }
}

enum IdentityErrors {
    static func alreadyExists(_ what: String, field: String) -> RPCError {
        APIError.make(.alreadyExists, "\(what) already exists", reason: "ALREADY_EXISTS", metadata: ["field": field])
    }

    static func failedPrecondition(_ message: String, reason: String) -> RPCError {
        APIError.make(.failedPrecondition, message, reason: reason)
    }

    static let wrongCredentials = APIError.make(
        .unauthenticated, "the e-mail address or the password is wrong", reason: "INVALID_CREDENTIALS")
}
