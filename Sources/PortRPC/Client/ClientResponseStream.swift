import NIOCore
import PortProtocol

/// The responses of a server- or bidirectional-streaming call. The loop ends at an OK end of stream and throws the
/// call's ``RPCError`` otherwise.
public struct ClientResponseStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    let stream: ClientStream

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: ClientStream

        public mutating func next() async throws -> Message? {
            guard let buffer = try await stream.nextMessage() else { return nil }
            return try decodeMessage(Message.self, from: buffer)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: stream) }

    /// The response headers' metadata (empty until they arrived).
    public func initialMetadata() async -> Metadata { await stream.metadata().initial }

    /// The trailers' metadata (complete once the loop has ended).
    public func trailingMetadata() async -> Metadata { await stream.metadata().trailing }
}

/// Sends the requests of a client- or bidirectional-streaming call; the request stream is half-closed when the
/// `requests` closure returns.
public struct ClientRequestWriter<Message: ProtoMessage>: Sendable {
    let stream: ClientStream

    /// Sends one request; waits while the server is not keeping up, throws once the call has ended.
    public func write(_ message: Message) async throws {
        try await stream.write(message)
    }
}
