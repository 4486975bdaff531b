import Foundation
import Logging
import PortAuth
import PortCrypto
import PortProtocol
import PortRPC
import Testing

@Suite("Authenticator")
struct AuthenticatorTests {
    let clock = TestClock()

    func setup() -> (TokenSigner, Authenticator) {
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        return (signer, Authenticator(verifier: verifier))
    }

    func metadata(_ value: String...) -> Metadata {
        var metadata = Metadata()
        for v in value { metadata.add("authorization", v) }
        return metadata
    }

    /// The ErrorInfo reason of an UNAUTHENTICATED error.
    func reason(_ error: RPCError?) throws -> String? {
        guard let details = error?.details else { return nil }
        let status = try Google_Rpc_Status(serializedBytes: details)
        #expect(status.code == 16)
        #expect(status.message == error?.message)
        guard let any = status.details.first, any.typeUrl == "type.googleapis.com/google.rpc.ErrorInfo" else { return nil }
        let info = try Google_Rpc_ErrorInfo(serializedBytes: any.value)
        #expect(info.domain == "cyberport.open")
        return info.reason
    }

    @Test func validBearerTokenGivesThePrincipal() throws {
        let (signer, auth) = setup()
        let token = signer.sign(Fixtures.claims(issuedAt: clock.now))
        for value in ["Bearer \(token)", "bearer \(token)", "BEARER   \(token)  "] {
            let principal = try auth.authenticate(metadata: metadata(value))
            #expect(principal.subject == "companies/c1/users/u1")
            #expect(principal.kind == .user && principal.isUser && !principal.isService)
            #expect(principal.organization == "companies/c1/organizations/o1")
            #expect(principal.company == "companies/c1")
            #expect(principal.businessTypes == ["oceanShipping", "customsBroker"])
            #expect(principal.hasBusinessType("oceanShipping") && !principal.hasBusinessType("trucking"))
            #expect(principal.roles == ["user", "administrator"])
            #expect(principal.isAdministrator && !principal.isOperator)
            #expect(principal.email == "taro@example.jp" && principal.ports == ["JPTYO", "JPYOK"])
            #expect(principal.tokenID == "tok-1" && principal.expiresAt == clock.now + 900)
            #expect(try auth.optionalPrincipal(metadata: metadata(value)) == principal)
        }
    }

    @Test func missingAuthorization() throws {
        let (_, auth) = setup()
        let error = #expect(throws: RPCError.self) { try auth.authenticate(metadata: Metadata()) }
        #expect(error?.code == .unauthenticated)
        #expect(error?.message == "missing authorization metadata: send 'authorization: Bearer <access token>'")
        #expect(try reason(error) == "ACCESS_TOKEN_MISSING")
        #expect(try auth.optionalPrincipal(metadata: Metadata()) == nil)
    }

    @Test(arguments: ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearertoken", "token-without-scheme"])
    func malformedAuthorization(value: String) throws {
        let (_, auth) = setup()
        let error = #expect(throws: RPCError.self) { try auth.authenticate(metadata: metadata(value)) }
        #expect(error?.code == .unauthenticated)
        #expect(try reason(error) == "ACCESS_TOKEN_MALFORMED")
        #expect(throws: RPCError.self) { try auth.optionalPrincipal(metadata: metadata(value)) }
    }

    @Test func twoAuthorizationEntriesAreRejected() throws {
        let (signer, auth) = setup()
        let token = signer.sign(Fixtures.claims(issuedAt: clock.now))
        #expect(throws: RPCError.self) { try auth.authenticate(metadata: metadata("Bearer \(token)", "Bearer \(token)")) }
    }

    @Test func rejectedTokensGiveClearMessagesWithoutTheToken() throws {
        let (signer, auth) = setup()
        let token = signer.sign(Fixtures.claims(issuedAt: clock.now))

        var signature = Base64URL.decode(String(token.split(separator: ".")[2]))!
        signature[0] ^= 1
        let forged = token.split(separator: ".")[0...1].joined(separator: ".") + "." + Base64URL.encode(signature)
        let bad = #expect(throws: RPCError.self) { try auth.authenticate(metadata: metadata("Bearer \(forged)")) }
        #expect(bad?.message == "access token signature is invalid")
        #expect(try reason(bad) == "ACCESS_TOKEN_INVALID")

        let garbage = #expect(throws: RPCError.self) { try auth.optionalPrincipal(metadata: metadata("Bearer abc.def")) }
        #expect(garbage?.message.hasPrefix("access token is malformed") == true)
        #expect(garbage?.message.contains("abc") == false)

        clock.advance(3600)
        let expired = #expect(throws: RPCError.self) { try auth.authenticate(metadata: metadata("Bearer \(token)")) }
        #expect(expired?.code == .unauthenticated)
        #expect(expired?.message.hasPrefix("access token expired at 2027-01-15T08:15:00Z") == true)
        #expect(try reason(expired) == "ACCESS_TOKEN_EXPIRED")
        for error in [bad, garbage, expired] {
            #expect(error?.message.contains(token) == false)
            #expect(error?.description.contains(String(token.split(separator: ".")[1])) == false)
        }
    }
}

/// A tiny service whose methods report the caller, to test the authenticator against real ServerContexts.
struct WhoAmIService: RPCService {
    static let serviceName = "cyberport.test.WhoAmI"
    static let whoAmI = RPCMethod(service: serviceName, method: "WhoAmI")
    static let maybe = RPCMethod(service: serviceName, method: "Maybe")
    static let refreshing = RPCMethod(service: serviceName, method: "Refreshing")
    let authenticator: Authenticator

    var methods: [ServerMethod] {
        [
            .unary(Self.whoAmI) { (_: Google_Protobuf_Empty, context) in
                var response = Google_Protobuf_StringValue()
                response.value = try authenticator.authenticate(context).subject
                return response
            },
            .unary(Self.maybe) { (_: Google_Protobuf_Empty, context) in
                var response = Google_Protobuf_StringValue()
                response.value = try authenticator.optionalPrincipal(context)?.subject ?? "anonymous"
                return response
            },
            .unary(Self.refreshing) { (_: Google_Protobuf_Empty, context) in
                var response = Google_Protobuf_StringValue()
                response.value = try await authenticator.authenticateRefreshingKeys(context).subject
                return response
            },
        ]
    }
}

@Suite("Authenticator over gRPC")
struct AuthenticatorEndToEndTests {
    @Test func authenticatesCallsThroughTheirServerContext() async throws {
        let clock = TestClock(Date())
        let (signer, _, verifier) = Fixtures.setup(clock: clock)
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.threads = 1
        var logger = Logger(label: "auth-test-server")
        logger.logLevel = .warning
        let server = RPCServer(
            services: [WhoAmIService(authenticator: Authenticator(verifier: verifier))], configuration: configuration,
            logger: logger)
        try await server.start()
        let client = try RPCClient(target: "127.0.0.1:\(server.localPort!)")
        do {
            let fetches = Counter()
            let source = BearerTokenSource(now: clock.closure) {
                _ = fetches.increment()
                let claims = Fixtures.claims(issuedAt: clock.now)
                return (signer.sign(claims), claims.expiresAt)
            }
            let response = try await client.unary(
                WhoAmIService.whoAmI, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self,
                options: try await source.callOptions(CallOptions(timeout: .seconds(5))))
            #expect(response.value == "companies/c1/users/u1")

            let error = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    WhoAmIService.whoAmI, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self)
            }
            #expect(error?.code == .unauthenticated)
            #expect(error?.message == "missing authorization metadata: send 'authorization: Bearer <access token>'")
            #expect(error?.details != nil)

            let anonymous = try await client.unary(
                WhoAmIService.maybe, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self)
            #expect(anonymous.value == "anonymous")
            let named = try await client.unary(
                WhoAmIService.maybe, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self,
                options: CallOptions(metadata: try await source.authorizationMetadata()))
            #expect(named.value == "companies/c1/users/u1")
            let refreshed = try await client.unary(
                WhoAmIService.refreshing, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self,
                options: try await source.callOptions())
            #expect(refreshed.value == "companies/c1/users/u1")
            #expect(fetches.count == 1)

            let invalid = await #expect(throws: RPCError.self) {
                _ = try await client.unary(
                    WhoAmIService.maybe, request: Google_Protobuf_Empty(), responseType: Google_Protobuf_StringValue.self,
                    options: CallOptions(metadata: ["authorization": "Bearer not.a.token"]))
            }
            #expect(invalid?.code == .unauthenticated)
        } catch {
            Issue.record(error)
        }
        await client.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
