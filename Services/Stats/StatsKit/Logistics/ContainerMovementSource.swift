import PortAPI
import PortAuth
import PortProtocol
import PortRPC

/// Where the container movements come from: Deals' ContainerMovementService (``DealsContainerMovementSource``).
public protocol ContainerMovementSource: Sendable {
    /// The movements numbered above `afterSequence`, oldest first, at most `limit`.
    func movements(after afterSequence: Int64, limit: Int) async throws -> Cyberport_Deals_V1_ListContainerMovementsResponse
}

/// Reads the feed from Deals with the Stats service credential's access token.
public struct DealsContainerMovementSource: ContainerMovementSource {
    private let client: Cyberport_Deals_V1_ContainerMovementServiceClient
    private let tokens: BearerTokenSource
    private let timeout: Duration

    /// - Parameters:
    ///   - client: a connection to Deals.
    ///   - tokens: the Stats service's access tokens (``IdentityLink/serviceToken`` of a link made with the Stats
    ///     service credential).
    public init(client: RPCClient, tokens: BearerTokenSource, timeout: Duration = .seconds(10)) {
        self.client = Cyberport_Deals_V1_ContainerMovementServiceClient(client)
        self.tokens = tokens
        self.timeout = timeout
    }

    public func movements(
        after afterSequence: Int64, limit: Int
    ) async throws -> Cyberport_Deals_V1_ListContainerMovementsResponse {
        var request = Cyberport_Deals_V1_ListContainerMovementsRequest()
        request.afterSequence = afterSequence
        request.pageSize = Int32(clamping: limit)
        do {
            return try await client.listContainerMovements(
                request, options: try await tokens.callOptions(CallOptions(timeout: timeout)))
        } catch let error as RPCError where error.code == .unauthenticated {
            // An expired or revoked token: the next call fetches a new one.
            await tokens.invalidate()
            throw error
        }
    }
}
