import PortAPI
import PortProtocol
import PortRPC

/// `grpc.health.v1.Health`: Check answers the current status (NOT_FOUND for unknown names); Watch streams it.
public struct HealthService: Grpc_Health_V1_HealthProvider {
    public let registry: HealthRegistry

    public init(registry: HealthRegistry) {
        self.registry = registry
    }

    public func check(
        request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
    ) async throws -> Grpc_Health_V1_HealthCheckResponse {
        guard let status = registry.status(of: request.service) else {
            throw RPCError(.notFound, "unknown service \"\(request.service)\"")
        }
        var response = Grpc_Health_V1_HealthCheckResponse()
        response.status = status
        return response
    }

    public func watch(
        request: Grpc_Health_V1_HealthCheckRequest, responses: ServerResponseWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        for await status in registry.updates(for: request.service) {
            var response = Grpc_Health_V1_HealthCheckResponse()
            response.status = status
            try await responses.write(response)
        }
        // The stream ends when the server shuts down (OK) or the call is cancelled.
        try Task.checkCancellation()
    }
}
