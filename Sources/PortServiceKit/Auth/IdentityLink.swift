import Foundation
import Logging
import PortAPI
import PortAuth
import PortProtocol
import PortRPC

/// A service's link to Identity: it verifies callers' access tokens locally with the keys Identity publishes
/// (fetched at start, refreshed every 5 minutes and when a token names an unknown key — never once per call), and,
/// with a service credential, gives the service its own access token for calls to other services.
public final class IdentityLink: Sendable {
    /// Checks the `authorization` metadata of incoming calls.
    public let authenticator: Authenticator
    /// Verifies access tokens.
    public let verifier: TokenVerifier
    /// The service's own token for outgoing calls; nil without a service credential.
    public let serviceToken: BearerTokenSource?
    private let keys: RemoteSigningKeys
    private let client: RPCClient

    /// Connects to Identity at `address` ("host:port[,host:port…]") and fetches its signing keys; throws a
    /// `ServiceStartupError` when Identity cannot be reached after a few attempts. `serviceCredential` is an API key
    /// made for this service (ApiKeyService.CreateApiKey with `service_name`). The first fetch is tried `attempts` times
    /// with a doubling pause from 250 ms.
    public static func connect(
        address: String, serviceCredential: String?, attempts: Int = 5, logger: Logger
    ) async throws -> IdentityLink {
        let client: RPCClient
        do {
            client = try RPCClient(target: address)
        } catch {
            throw ServiceStartupError("identity address \"\(address)\": \(error)")
        }
        let auth = Cyberport_Identity_V1_AuthServiceClient(client)
        let fetch: @Sendable () async throws -> Cyberport_Identity_V1_GetSigningKeysResponse = {
            try await auth.getSigningKeys(Cyberport_Identity_V1_GetSigningKeysRequest(), options: CallOptions(timeout: .seconds(5)))
        }
        var first: Cyberport_Identity_V1_GetSigningKeysResponse?
        var lastError = ""
        for attempt in 0..<max(1, attempts) {
            do {
                first = try await fetch()
                break
            } catch {
                lastError = "\(error)"
                if attempt + 1 < attempts { try? await Task.sleep(for: .milliseconds(250 << attempt)) }
            }
        }
        guard let first else {
            await client.close()
            throw ServiceStartupError("cannot fetch the token-signing keys from Identity at \(address): \(lastError)")
        }
        let keys = RemoteSigningKeys(logger: logger) { try await fetch().keys.map(Self.published) }
        do {
            try await keys.start()
        } catch {
            await client.close()
            throw ServiceStartupError("cannot fetch the token-signing keys from Identity at \(address): \(error)")
        }
        let verifier = TokenVerifier(issuer: first.issuer, audience: first.audience, keys: keys.provider)
        var serviceToken: BearerTokenSource?
        if let credential = serviceCredential, !credential.isEmpty {
            serviceToken = BearerTokenSource {
                var request = Cyberport_Identity_V1_ExchangeApiKeyRequest()
                request.apiKey = credential
                let grant = try await auth.exchangeApiKey(request, options: CallOptions(timeout: .seconds(5)))
                let expiry = grant.accessTokenExpireTime.map { Date(timeIntervalSince1970: Double($0.seconds)) } ?? Date()
                return (grant.accessToken, expiry)
            }
        }
        return IdentityLink(client: client, keys: keys, verifier: verifier, serviceToken: serviceToken)
    }

    private init(client: RPCClient, keys: RemoteSigningKeys, verifier: TokenVerifier, serviceToken: BearerTokenSource?) {
        self.client = client
        self.keys = keys
        self.verifier = verifier
        self.authenticator = Authenticator(verifier: verifier)
        self.serviceToken = serviceToken
    }

    /// Stops the key refresh and closes the connection.
    public func close() async {
        keys.stop()
        await client.close()
    }

    static func published(_ key: Cyberport_Identity_V1_SigningKey) -> PublishedKey {
        PublishedKey(
            keyID: key.keyId, publicKey: key.publicKey,
            notAfter: key.retireTime.map { Date(timeIntervalSince1970: Double($0.seconds)) })
    }
}
