import PortAPI
import PortAuth
import PortProtocol
import PortRPC
import PortServiceKit

/// The ContainerMovementService: the feed of container movements across all deals, for the platform's services
/// (Stats). Only the service principals named in ``readers`` may read it: it spans every deal, so no user or
/// organization may, whatever its roles.
struct ContainerMovementAPI: Cyberport_Deals_V1_ContainerMovementServiceProvider {
    let context: DealsContext
    /// The services whose credentials may read the feed ("services/{name}").
    static let readers: Set<String> = ["stats"]
    static let defaultPageSize = 100
    static let maxPageSize = 1_000

    func listContainerMovements(
        request: Cyberport_Deals_V1_ListContainerMovementsRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Deals_V1_ListContainerMovementsResponse {
        try Self.requireReader(try context.authenticator.authenticate(serverContext))
        guard request.afterSequence >= 0 else {
            throw APIError.invalidArgument(field: "after_sequence", "must not be negative (0 = from the first movement)")
        }
        guard request.pageSize >= 0 else {
            throw APIError.invalidArgument(field: "page_size", "must not be negative (0 = \(Self.defaultPageSize))")
        }
        let limit = request.pageSize == 0 ? Self.defaultPageSize : min(Int(request.pageSize), Self.maxPageSize)
        let after = request.afterSequence
        let (movements, latest) = try await context.read { session in
            (
                try ContainerMovementQueries.movements(session, after: after, limit: limit),
                try ContainerMovementQueries.latestSequence(session)
            )
        }
        var response = Cyberport_Deals_V1_ListContainerMovementsResponse()
        response.containerMovements = movements.map(\.proto)
        response.latestSequence = latest
        return response
    }

    /// PERMISSION_DENIED unless `principal` is the credential of a service in ``readers``.
    static func requireReader(_ principal: Principal) throws {
        let prefix = "services/"
        guard principal.isService, principal.subject.hasPrefix(prefix),
            readers.contains(String(principal.subject.dropFirst(prefix.count)))
        else {
            throw DealCaller.denied(
                "the container movement feed is for the platform's services only (\(readers.sorted().map { prefix + $0 }.joined(separator: ", ")))")
        }
    }
}

extension ContainerMovementRecord {
    /// The API message.
    var proto: Cyberport_Deals_V1_ContainerMovement {
        var message = Cyberport_Deals_V1_ContainerMovement()
        message.sequence = sequence
        message.kind =
            switch kind {
            case .carryIn: .carryIn
            case .carryOut: .carryOut
            case .gateIn: .gateIn
            case .gateOut: .gateOut
            }
        message.containerNumber = containerNumber
        message.sizeType = sizeType
        message.loadStatus =
            switch loadStatus {
            case .full: .full
            case .empty: .empty
            case .unknown: .unspecified
            }
        message.port = port
        message.eventTime = Google_Protobuf_Timestamp(micros: eventTime)
        message.deal = "deals/\(dealNumber)"
        message.form = "deals/\(dealNumber)/forms/\(formID)"
        message.recordTime = Google_Protobuf_Timestamp(micros: recordedAt)
        return message
    }
}
