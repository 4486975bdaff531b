/// One HTTP header: a name and a value (names are sent as given; HTTP treats them case-insensitively).
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP POST to send: where, which headers, which body, and how long to wait.
public struct HTTPPostRequest: Sendable {
    /// An absolute http:// or https:// URL.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    /// The longest wait for the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// The longest time for the whole exchange, connection included.
    public var totalTimeout: Duration

    public init(
        url: String, headers: [HTTPHeader], body: [UInt8], connectTimeout: Duration = .seconds(5),
        totalTimeout: Duration = .seconds(15)
    ) {
        self.url = url
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }
}

/// The receiver's answer: its status code and the start of its body (at most the poster's limit).
public struct HTTPPostResponse: Sendable, Equatable {
    public var statusCode: Int
    /// The first bytes of the response body, up to the poster's limit.
    public var body: [UInt8]
    /// True when the body was longer than the limit (the rest was not read).
    public var bodyTruncated: Bool

    public init(statusCode: Int, body: [UInt8] = [], bodyTruncated: Bool = false) {
        self.statusCode = statusCode
        self.body = body
        self.bodyTruncated = bodyTruncated
    }
}

/// Why a POST got no HTTP response.
public enum HTTPPostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL is malformed or not http(s); retrying cannot help.
    case invalidURL(String)
    /// Name resolution, connection, TLS, sending or receiving failed (the receiver may be down).
    case connectionFailed(String)
    /// The connect or total timeout elapsed.
    case timedOut(String)
    /// The calling task was cancelled and the transfer aborted.
    case cancelled
    /// The poster is shut down.
    case shutDown
    /// Any other transfer failure.
    case failed(String)

    public var description: String {
        switch self {
        case .invalidURL(let message): return "invalid URL: \(message)"
        case .connectionFailed(let message): return "connection failed: \(message)"
        case .timedOut(let message): return "timed out: \(message)"
        case .cancelled: return "cancelled"
        case .shutDown: return "the HTTP poster is shut down"
        case .failed(let message): return "transfer failed: \(message)"
        }
    }
}

/// Sends HTTP POST requests. `CurlHTTPPoster` is the production implementation; tests may substitute their own.
///
/// `post` returns any HTTP response, whatever its status code, and throws `HTTPPostError` when there is none. It must
/// honour task cancellation (abort the transfer and throw `.cancelled`), must not follow redirects, and must not read
/// more of the response body than its limit.
public protocol HTTPPoster: Sendable {
    func post(_ request: HTTPPostRequest) async throws(HTTPPostError) -> HTTPPostResponse
}
