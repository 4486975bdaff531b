import CCurl
import Dispatch
import NIOPosix
import Synchronization

/// An `HTTPPoster` over libcurl (Debian's libcurl4 with OpenSSL, so https:// URLs work with the system's CA
/// certificates). Each POST runs libcurl's blocking easy interface on one of `threads` dedicated threads (never on a
/// NIO event loop or Swift's cooperative pool); at most that many transfers run at once, the rest wait for a thread.
///
/// Per transfer: only http and https, no redirects followed, no proxy from the environment, the request's connect and
/// total timeouts, `Expect: 100-continue` disabled, at most `maxResponseBytes` of the response body read (the rest is
/// dropped and the connection closed). Task cancellation aborts the transfer (`HTTPPostError.cancelled`).
/// Call `shutdown()` when done (dropping the poster also stops its threads); later posts throw `.shutDown`. Raw pointers never leave this file.
public final class CurlHTTPPoster: HTTPPoster {
    private let threadPool: NIOThreadPool
    private let maxResponseBytes: Int
    private let userAgent: String

    /// - Parameters:
    ///   - threads: transfers run at once (at least 1).
    ///   - maxResponseBytes: how much of a response body is kept.
    ///   - userAgent: the `User-Agent` header.
    public init(threads: Int = 8, maxResponseBytes: Int = 16 * 1024, userAgent: String = "CyberPortOpen-Webhooks/1") {
        CurlGlobal.ensureInitialized()
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.userAgent = userAgent
    }

    /// Stops the threads once running transfers are done.
    public func shutdown() async {
        try? await threadPool.shutdownGracefully()
    }

    deinit {
        // A poster dropped without `shutdown()` still lets its threads go (a second shutdown is harmless).
        threadPool.shutdownGracefully(queue: .global()) { _ in }
    }

    public func post(_ request: HTTPPostRequest) async throws(HTTPPostError) -> HTTPPostResponse {
        let transfer = CurlTransfer(request: request, maxResponseBytes: maxResponseBytes, userAgent: userAgent)
        let result: Result<HTTPPostResponse, HTTPPostError>
        do {
            result = try await withTaskCancellationHandler {
                try await threadPool.runIfActive { transfer.perform() }
            } onCancel: {
                transfer.cancel()
            }
        } catch is CancellationError {
            // NIOThreadPool reports a stopped pool as a cancellation too.
            throw Task.isCancelled ? .cancelled : .shutDown
        } catch is NIOThreadPoolError.ThreadPoolInactive {
            throw .shutDown
        } catch {
            throw .failed("\(error)")
        }
        return try result.get()
    }
}

/// `curl_global_init`, once per process, before any thread uses libcurl.
private enum CurlGlobal {
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK

    static func ensureInitialized() { _ = initialized }
}

/// One POST: its request, its cancellation flag (set from any thread) and, while it runs, its response buffer (touched
/// only by the thread running `perform` and libcurl's callbacks on that thread).
private final class CurlTransfer: @unchecked Sendable {
    let request: HTTPPostRequest
    let maxResponseBytes: Int
    let userAgent: String
    let cancelled = Atomic<Bool>(false)
    var body: [UInt8] = []
    var truncated = false

    init(request: HTTPPostRequest, maxResponseBytes: Int, userAgent: String) {
        self.request = request
        self.maxResponseBytes = maxResponseBytes
        self.userAgent = userAgent
    }

    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Runs the transfer on the calling thread (blocking).
    func perform() -> Result<HTTPPostResponse, HTTPPostError> {
        if cancelled.load(ordering: .relaxed) { return .failure(.cancelled) }
        guard CurlGlobal.initialized, let handle = curl_easy_init() else {
            return .failure(.failed("libcurl could not be initialized"))
        }
        defer { curl_easy_cleanup(handle) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers + [HTTPHeader("User-Agent", userAgent), HTTPHeader("Expect", "")] {
            let line = header.value.isEmpty ? "\(header.name):" : "\(header.name): \(header.value)"
            guard let appended = curl_slist_append(headerList, line) else {
                return .failure(.failed("out of memory building the header list"))
            }
            headerList = appended
        }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        let context = Unmanaged.passUnretained(self).toOpaque()

        // An empty body still needs a valid pointer: with a NULL POSTFIELDS libcurl would read the body from stdin.
        let payload = request.body.isEmpty ? [0] : request.body
        let code: CURLcode = payload.withUnsafeBufferPointer { bodyBytes in
            var setup = CURLE_OK
            func set(_ result: CURLcode) { if setup == CURLE_OK { setup = result } }
            set(ccurl_setopt_string(handle, CURLOPT_URL, request.url))
            set(ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
            set(ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
            set(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            set(ccurl_setopt_string(handle, CURLOPT_PROXY, ""))
            set(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
            set(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout)))
            set(ccurl_setopt_long(handle, CURLOPT_POST, 1))
            set(ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
            set(ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bodyBytes.baseAddress)))
            set(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
            set(ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(ccurl_setopt_write_function(handle, curlWrite))
            set(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            set(ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0))
            set(ccurl_setopt_xferinfo_function(handle, curlProgress))
            set(ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context))
            guard setup == CURLE_OK else { return setup }
            return withExtendedLifetime(self) { curl_easy_perform(handle) }
        }

        var status = 0
        if code == CURLE_OK || (code == CURLE_WRITE_ERROR && truncated) {
            guard ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status > 0 else {
                return .failure(.failed("no HTTP status code"))
            }
            return .success(HTTPPostResponse(statusCode: status, body: body, bodyTruncated: truncated))
        }
        let detail = errorBuffer.pointee == 0 ? String(cString: curl_easy_strerror(code)) : String(cString: errorBuffer)
        return .failure(Self.error(for: code, detail: detail, cancelled: cancelled.load(ordering: .relaxed)))
    }

    /// Appends response bytes up to the limit; past it, marks the body truncated and stops the transfer.
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let room = maxResponseBytes - body.count
        if bytes.count > room {
            body.append(contentsOf: bytes.prefix(max(0, room)))
            truncated = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    static func error(for code: CURLcode, detail: String, cancelled: Bool) -> HTTPPostError {
        switch code {
        case CURLE_ABORTED_BY_CALLBACK where cancelled:
            return .cancelled
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(detail)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidURL(detail)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SEND_ERROR, CURLE_RECV_ERROR, CURLE_GOT_NOTHING,
            CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CACERT_BADFILE, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_WEIRD_SERVER_REPLY:
            return .connectionFailed(detail)
        default:
            return .failed(detail)
        }
    }
}

/// libcurl's write callback: hands the bytes to the transfer; returning less than given aborts the transfer.
private let curlWrite: curl_write_callback = { data, size, count, context in
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    guard length > 0, let data else { return length }
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

/// libcurl's progress callback, called about once a second and on every transfer step: a non-zero result aborts.
private let curlProgress: curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
}
