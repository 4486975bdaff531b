import PortRPC
import PortServiceKit

/// Parsed resource names of the Identity service. Ids are the UUIDs this service issues; a name of another shape is
/// INVALID_ARGUMENT naming the field, a well-formed name of a resource that does not exist is NOT_FOUND later.
struct CompanyName: Hashable, Sendable, CustomStringConvertible {
    let company: String
    var description: String { "companies/\(company)" }

    init(company: String) { self.company = company }

    init(parsing text: String, field: String) throws {
        let parts = try Names.split(text, field: field, pattern: ["companies"])
        company = parts[0]
    }
}

/// "companies/{company}/organizations/{organization}".
struct OrganizationName: Hashable, Sendable, CustomStringConvertible {
    let company: String
    let organization: String
    var description: String { "companies/\(company)/organizations/\(organization)" }
    var companyName: CompanyName { CompanyName(company: company) }

    init(company: String, organization: String) {
        self.company = company
        self.organization = organization
    }

    init(parsing text: String, field: String) throws {
        let parts = try Names.split(text, field: field, pattern: ["companies", "organizations"])
        company = parts[0]
        organization = parts[1]
    }
}

/// "companies/{company}/users/{user}".
struct UserName: Hashable, Sendable, CustomStringConvertible {
    let company: String
    let user: String
    var description: String { "companies/\(company)/users/\(user)" }
    var companyName: CompanyName { CompanyName(company: company) }

    init(company: String, user: String) {
        self.company = company
        self.user = user
    }

    init(parsing text: String, field: String) throws {
        let parts = try Names.split(text, field: field, pattern: ["companies", "users"])
        company = parts[0]
        user = parts[1]
    }
}

/// "companies/{company}/organizations/{organization}/apiKeys/{key}".
struct ApiKeyName: Hashable, Sendable, CustomStringConvertible {
    let company: String
    let organization: String
    let key: String
    var description: String { "companies/\(company)/organizations/\(organization)/apiKeys/\(key)" }
    var organizationName: OrganizationName { OrganizationName(company: company, organization: organization) }

    init(company: String, organization: String, key: String) {
        self.company = company
        self.organization = organization
        self.key = key
    }

    init(parsing text: String, field: String) throws {
        let parts = try Names.split(text, field: field, pattern: ["companies", "organizations", "apiKeys"])
        company = parts[0]
        organization = parts[1]
        key = parts[2]
    }
}

/// "companies/{company}/webhookTargets/{target}".
struct WebhookTargetName: Hashable, Sendable, CustomStringConvertible {
    let company: String
    let target: String
    var description: String { "companies/\(company)/webhookTargets/\(target)" }
    var companyName: CompanyName { CompanyName(company: company) }

    init(company: String, target: String) {
        self.company = company
        self.target = target
    }

    init(parsing text: String, field: String) throws {
        let parts = try Names.split(text, field: field, pattern: ["companies", "webhookTargets"])
        company = parts[0]
        target = parts[1]
    }
}

enum Names {
    /// The ids of `text` = "c1/{id}/c2/{id}…" for the collections in `pattern`.
    static func split(_ text: String, field: String, pattern: [String]) throws -> [String] {
        guard !text.isEmpty else { throw APIError.invalidArgument(field: field, "is required", reason: "REQUIRED_FIELD") }
        let shape = pattern.map { "\($0)/{id}" }.joined(separator: "/")
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == pattern.count * 2 else {
            throw APIError.invalidArgument(field: field, "must look like \"\(shape)\" (got \"\(text)\")")
        }
        var ids: [String] = []
        for (index, collection) in pattern.enumerated() {
            let id = segments[index * 2 + 1]
            guard segments[index * 2] == Substring(collection), ResourceID.isWellFormed(id) else {
                throw APIError.invalidArgument(field: field, "must look like \"\(shape)\" with ids this service issued (got \"\(text)\")")
            }
            ids.append(String(id))
        }
        return ids
    }
}
