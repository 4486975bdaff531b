import Foundation
import PortAPI
import PortProtocol
import PortRPC
import PortServiceKit

/// GetContainerMovementFigures: the platform's container movements at a port, next to the survey tables (the port
/// authority). Counted from `logistics_events`, which ``ContainerMovementIngestor`` fills from Deals' feed; a port
/// need not be registered in Stats for its authority to see them.
extension StatisticalTableAPI {
    /// The kinds, in the order the figures list them.
    static let movementKinds: [Cyberport_Stats_V1_ContainerMovementKind] = [.carryIn, .carryOut, .gateIn, .gateOut]

    func getContainerMovementFigures(
        request: Cyberport_Stats_V1_GetContainerMovementFiguresRequest, context serverContext: ServerContext
    ) async throws -> Cyberport_Stats_V1_ContainerMovementFigures {
        let caller = try context.caller(serverContext)
        let port = try StatsName.port(request.port, field: "port")
        try caller.requireAuthority(port, "read its container movement figures")
        let year = Int(try Input.integer(request.year, field: "year", in: 2000...2100))
        let month = Int(try Input.integer(request.month, field: "month", in: 0...12))
        let (sums, cursor) = try await context.read { session in
            let queries = LogisticsQueries(session: session)
            return (try queries.figures(port: port, year: year, month: month), try queries.cursor())
        }
        var response = Cyberport_Stats_V1_ContainerMovementFigures()
        let period = month == 0 ? String(format: "%04d", year) : String(format: "%04d-%02d", year, month)
        response.name = "ports/\(port)/containerMovementFigures/\(period)"
        response.port = port
        response.year = Int32(year)
        response.month = Int32(month)
        response.figures = Self.movementKinds.map { kind in
            let sum = sums[kind.rawValue] ?? MovementSums()
            var figure = Cyberport_Stats_V1_ContainerMovementFigure()
            figure.kind = kind
            figure.containers = sum.containers
            figure.fullContainers = sum.full
            figure.emptyContainers = sum.empty
            figure.teuHundredths = sum.teu
            figure.fullTeuHundredths = sum.fullTEU
            figure.emptyTeuHundredths = sum.emptyTEU
            return figure
        }
        response.ingestedThroughSequence = cursor.lastSequence
        if cursor.readAt > 0 { response.ingestTime = Google_Protobuf_Timestamp(micros: cursor.readAt) }
        return response
    }
}
