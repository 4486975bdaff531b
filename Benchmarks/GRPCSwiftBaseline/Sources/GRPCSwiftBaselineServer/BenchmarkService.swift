import GRPCCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// grpc.testing.BenchmarkService the way the project's server implements it (Sources/PortInterop/
/// BenchmarkServiceImpl.swift): every response carries a payload of `response_size` zero bytes.
struct BenchmarkService: Grpc_Testing_BenchmarkService.SimpleServiceProtocol {
    func unaryCall(request: Grpc_Testing_SimpleRequest, context: ServerContext) async throws
        -> Grpc_Testing_SimpleResponse
    {
        response(for: request)
    }

    func streamingCall(
        request: RPCAsyncSequence<Grpc_Testing_SimpleRequest, any Error>,
        response: RPCWriter<Grpc_Testing_SimpleResponse>, context: ServerContext
    ) async throws {
        for try await message in request { try await response.write(self.response(for: message)) }
    }

    func streamingFromClient(
        request: RPCAsyncSequence<Grpc_Testing_SimpleRequest, any Error>, context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        var last = Grpc_Testing_SimpleRequest()
        for try await message in request { last = message }
        return response(for: last)
    }

    func streamingFromServer(
        request: Grpc_Testing_SimpleRequest, response: RPCWriter<Grpc_Testing_SimpleResponse>,
        context: ServerContext
    ) async throws {
        let reply = self.response(for: request)
        while !Task.isCancelled { try await response.write(reply) }
    }

    func streamingBothWays(
        request: RPCAsyncSequence<Grpc_Testing_SimpleRequest, any Error>,
        response: RPCWriter<Grpc_Testing_SimpleResponse>, context: ServerContext
    ) async throws {
        for try await message in request { try await response.write(self.response(for: message)) }
    }

    private func response(for request: Grpc_Testing_SimpleRequest) -> Grpc_Testing_SimpleResponse {
        var response = Grpc_Testing_SimpleResponse()
        if request.responseSize > 0 {
            var payload = Grpc_Testing_Payload()
            payload.body = Data(count: Int(request.responseSize))  // zero bytes
            response.payload = payload
        }
        return response
    }
}
