import Foundation
import PortAPI
import PortAuth
import PortProtocol
import PortRPC

extension IdentityHarness {
    /// Makes a service credential for `serviceName` ("deals", "stats" …) as the operator, on the operator's platform
    /// organization: an API key whose access tokens name "services/{serviceName}".
    public func serviceCredential(_ serviceName: String) async throws -> String {
        let operatorOptions = try await operatorOptions()
        let me = try await caller(operatorOptions)
        var request = Cyberport_Identity_V1_CreateApiKeyRequest()
        request.parent = me.organization
        var key = Cyberport_Identity_V1_ApiKey()
        key.displayName = "\(serviceName) service"
        key.serviceName = serviceName
        request.apiKey = key
        return try await apiKeys.createApiKey(request, options: operatorOptions).key
    }

    /// Access tokens for `credential`, exchanged with this Identity (what ``IdentityLink`` does in the services).
    public func serviceTokens(_ credential: String) -> BearerTokenSource {
        let auth = self.auth
        return BearerTokenSource {
            var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
            request.apiKey = credential
            let grant = try await auth.exchangeApiKey(request, options: CallOptions(timeout: .seconds(10)))
            return (grant.accessToken, Date().addingTimeInterval(600))
        }
    }

    /// Call options with a fresh access token of a new service credential for `serviceName`.
    public func serviceOptions(_ serviceName: String) async throws -> CallOptions {
        let token = try await serviceTokens(try await serviceCredential(serviceName)).token()
        return options(token)
    }
}
