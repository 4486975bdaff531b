import CNGHTTP2

/// HTTP/2 frame types the runtime looks at.
enum HTTP2FrameType: UInt8 {
    case data = 0, headers = 1, priority = 2, rstStream = 3, settings = 4, pushPromise = 5, ping = 6, goaway = 7
    case windowUpdate = 8, continuation = 9
}

/// HTTP/2 error codes (RFC 9113 §7).
struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt32

    static let noError = HTTP2ErrorCode(rawValue: 0)
    static let protocolError = HTTP2ErrorCode(rawValue: 1)
    static let internalError = HTTP2ErrorCode(rawValue: 2)
    static let flowControlError = HTTP2ErrorCode(rawValue: 3)
    static let refusedStream = HTTP2ErrorCode(rawValue: 7)
    static let cancel = HTTP2ErrorCode(rawValue: 8)
    static let enhanceYourCalm = HTTP2ErrorCode(rawValue: 11)
    static let inadequateSecurity = HTTP2ErrorCode(rawValue: 12)

    /// The gRPC status a client reports for a stream reset with this code (PROTOCOL-HTTP2 "Errors").
    var grpcStatus: StatusCode {
        switch self {
        case .refusedStream: .unavailable
        case .cancel: .cancelled
        case .enhanceYourCalm: .resourceExhausted
        case .inadequateSecurity: .permissionDenied
        default: .internal
        }
    }
}

/// A frame nghttp2 has received, as reported to the session delegate.
struct ReceivedFrame {
    var type: UInt8
    var streamID: Int32
    var flags: UInt8
    /// Payload length of the frame.
    var length: Int
    /// For RST_STREAM and GOAWAY.
    var errorCode: UInt32
    /// For GOAWAY.
    var lastStreamID: Int32
    /// For HEADERS: request/response headers (true) or trailers (false).
    var isFirstHeaders: Bool

    var endStream: Bool { flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 }
    var isAck: Bool { flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 }
}

/// What the data-source callback of a stream produced.
enum DataReadResult {
    /// `count` bytes were copied; more may follow.
    case bytes(Int)
    /// Nothing to send now; resume the stream when there is.
    case deferred
    /// `count` final bytes; trailers have been submitted (or the stream ends with END_STREAM when `endStream`).
    case end(Int, endStream: Bool)
}
