import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit

/// What Deals needs to know of an organization it adds to a deal.
public struct DirectoryOrganization: Sendable, Hashable {
    /// "companies/{company}/organizations/{organization}".
    public var name: String
    public var businessTypes: [String]
    public var enabled: Bool
    public var searchable: Bool

    public init(name: String, businessTypes: [String], enabled: Bool, searchable: Bool) {
        self.name = name
        self.businessTypes = businessTypes
        self.enabled = enabled
        self.searchable = searchable
    }
}

/// Looks organizations up in Identity.
public protocol OrganizationDirectory: Sendable {
    /// The organization named `name`, nil when Identity does not know it.
    func organization(named name: String) async throws -> DirectoryOrganization?
}

/// The directory over Identity's OrganizationService.GetOrganization, called with the service's own token.
public struct IdentityOrganizationDirectory: OrganizationDirectory {
    private let organizations: Cyberport_Identity_V1_OrganizationServiceClient
    private let tokens: BearerTokenSource?

    /// `client` is connected to Identity; `tokens` supplies the service's access token (nil without a service
    /// credential: every look-up then fails with FAILED_PRECONDITION).
    public init(client: RPCClient, tokens: BearerTokenSource?) {
        organizations = Cyberport_Identity_V1_OrganizationServiceClient(client)
        self.tokens = tokens
    }

    public func organization(named name: String) async throws -> DirectoryOrganization? {
        guard let tokens else {
            throw APIError.make(
                .failedPrecondition, "no service credential configured: Deals cannot look organizations up in Identity",
                reason: "NO_SERVICE_CREDENTIAL")
        }
        var request = Cyberport_Identity_V1_GetOrganizationRequest()
        request.name = name
        let found: Cyberport_Identity_V1_Organization
        do {
            found = try await organizations.getOrganization(
                request, options: try await tokens.callOptions(CallOptions(timeout: .seconds(10))))
        } catch let error as RPCError where error.code == .notFound {
            return nil
        } catch let error as RPCError where error.code == .invalidArgument {
            return nil
        } catch let error as RPCError {
            throw RPCError(.unavailable, "Identity could not be asked about \(name): \(error.message)")
        }
        return DirectoryOrganization(
            name: found.name, businessTypes: found.businessTypes, enabled: found.enabled, searchable: found.searchable)
    }
}
