import CyberPortTestSupport
import Foundation
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit
import Testing

/// The link every other service keeps to Identity: local token verification with fetched keys, and a service
/// credential that yields the service's own token.
@Suite("IdentityLink: how services verify tokens and authenticate themselves", .timeLimit(.minutes(2)))
struct IdentityLinkTests {
    @Test("a linked service verifies tokens locally and obtains a service token", arguments: TestBackend.available)
    func link(backend: TestBackend) async throws {
        try await withIdentity(backend) { identity in
            let operatorOptions = try await identity.operatorOptions()
            let platformOrganization = try await identity.caller(operatorOptions).organization
            let credential = try await identity.apiKeys.createApiKey(
                ApiKeyTests.createRequest(parent: platformOrganization, displayName: "Deals service", serviceName: "deals"),
                options: operatorOptions)
            let company = try await identity.activeCompany()

            let link = try await IdentityLink.connect(
                address: "127.0.0.1:\(identity.port)", serviceCredential: credential.key, logger: Logger(label: "test"))
            // A user's token verifies locally, with its claims.
            let claims = try link.verifier.verify(company.adminToken)
            #expect(claims.company == company.name)
            #expect(claims.roles == ["administrator"])
            #expect(throws: TokenVerificationError.self) { try link.verifier.verify(company.adminToken + "x") }

            // The service credential gives a service token, reused until it nears expiry.
            let source = try #require(link.serviceToken)
            let token = try await source.token()
            #expect(try await source.token() == token)
            let principal = Principal(claims: try link.verifier.verify(token))
            #expect(principal.isService)
            #expect(principal.subject == "services/deals")
            await link.close()

            // Without Identity there is no link: a clear start-up error.
            await #expect(throws: ServiceStartupError.self) {
                _ = try await IdentityLink.connect(address: "127.0.0.1:1", serviceCredential: nil, attempts: 1, logger: Logger(label: "test"))
            }
        }
    }
}
