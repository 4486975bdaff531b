import PortAPI
import PortProtocol
import PortRPC

/// `grpc.testing.BenchmarkService` as gRPC's benchmark workers implement it: each response carries a payload of
/// the requested size.
public struct BenchmarkServiceImpl: Grpc_Testing_BenchmarkServiceProvider {
    public init() {}

    public func unaryCall(request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws -> Grpc_Testing_SimpleResponse {
        response(for: request)
    }

    public func streamingCall(
        requests: ServerRequestStream<Grpc_Testing_SimpleRequest>,
        responses: ServerResponseWriter<Grpc_Testing_SimpleResponse>, context: ServerContext
    ) async throws {
        for try await request in requests { try await responses.write(response(for: request)) }
    }

    public func streamingFromClient(
        requests: ServerRequestStream<Grpc_Testing_SimpleRequest>, context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        var last = Grpc_Testing_SimpleRequest()
        for try await request in requests { last = request }
        return response(for: last)
    }

    public func streamingFromServer(
        request: Grpc_Testing_SimpleRequest, responses: ServerResponseWriter<Grpc_Testing_SimpleResponse>,
        context: ServerContext
    ) async throws {
        let reply = response(for: request)
        while !Task.isCancelled { try await responses.write(reply) }
    }

    public func streamingBothWays(
        requests: ServerRequestStream<Grpc_Testing_SimpleRequest>,
        responses: ServerResponseWriter<Grpc_Testing_SimpleResponse>, context: ServerContext
    ) async throws {
        for try await request in requests { try await responses.write(response(for: request)) }
    }

    private func response(for request: Grpc_Testing_SimpleRequest) -> Grpc_Testing_SimpleResponse {
        var response = Grpc_Testing_SimpleResponse()
        if request.responseSize > 0 {
            var payload = Grpc_Testing_Payload()
            payload.body = [UInt8](repeating: 0, count: Int(request.responseSize))
            response.payload = payload
        }
        return response
    }
}
