import CNGHTTP2
import NIOCore

/// Receives what nghttp2 reports while reading input and asks for response bodies while writing output.
///
/// All methods run on the connection's event loop, inside `NGHTTP2Session.receive` or `send`; they must not call
/// either of those (nghttp2 forbids re-entry), but may submit frames.
protocol HTTP2SessionDelegate: AnyObject {
    /// A HEADERS block begins; `isFirst` is false for trailers.
    func sessionBeginHeaders(streamID: Int32, isFirst: Bool)
    /// One header field. Returning false resets just this stream.
    func sessionHeader(streamID: Int32, name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) -> Bool
    /// A chunk of DATA payload (padding removed).
    func sessionData(streamID: Int32, _ data: UnsafeRawBufferPointer)
    /// A complete frame was received.
    func sessionFrameReceived(_ frame: ReceivedFrame)
    /// A stream was closed (always called, also for resets).
    func sessionStreamClosed(streamID: Int32, errorCode: UInt32)
    /// nghttp2 rejected a frame it received.
    func sessionInvalidFrame(streamID: Int32, type: UInt8)
    /// A frame was sent (used to count our own resets and to reset streams after early trailers).
    func sessionFrameSent(type: UInt8, streamID: Int32, flags: UInt8)
    /// The body of a stream submitted with a body: copy at most `buffer.count` bytes.
    func sessionReadData(streamID: Int32, into buffer: UnsafeMutableRawBufferPointer) -> DataReadResult
}

/// Settings and limits of one nghttp2 session.
struct HTTP2SessionOptions {
    var maxConcurrentStreams: UInt32 = 100
    var initialStreamWindow: UInt32 = 1 << 20
    var connectionWindow: Int32 = 16 << 20
    var maxHeaderListSize: UInt32 = 16 << 10
    var maxFrameSize: UInt32 = 16_384
    /// RST_STREAM token bucket (Debian's 1.52 backport of the rapid-reset fix): burst and refill per second.
    var streamResetBurst: UInt64 = 1000
    var streamResetRate: UInt64 = 33
    /// CONTINUATION frames accepted per header block.
    var maxContinuations: Int = 8
}

/// A typed owner of one `nghttp2_session` (server or client side), confined to one event loop.
final class NGHTTP2Session {
    enum Role { case server, client }

    private(set) var handle: OpaquePointer
    unowned(unsafe) let delegate: any HTTP2SessionDelegate

    init(role: Role, delegate: any HTTP2SessionDelegate, options: HTTP2SessionOptions) {
        self.delegate = delegate
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_no_closed_streams(option, 1)
        if role == .server {
            nghttp2_option_set_stream_reset_rate_limit(option, options.streamResetBurst, options.streamResetRate)
        }
        nghttp2_option_set_max_continuations(option, options.maxContinuations)
        var session: OpaquePointer?
        // `handle` must exist before `self` escapes as user data; nghttp2 calls nothing during creation.
        handle = OpaquePointer(bitPattern: 1)!
        let userData = Unmanaged.passUnretained(self).toOpaque()
        let rc: Int32
        switch role {
        case .server: rc = nghttp2_session_server_new2(&session, NGHTTP2Callbacks.shared, userData, option)
        case .client: rc = nghttp2_session_client_new2(&session, NGHTTP2Callbacks.shared, userData, option)
        }
        nghttp2_option_del(option)
        precondition(rc == 0 && session != nil, "nghttp2_session_new failed: \(rc)")
        handle = session!

        var settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: options.maxConcurrentStreams),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: options.initialStreamWindow),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: options.maxHeaderListSize),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: options.maxFrameSize),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES.rawValue), value: 1),
        ]
        if role == .client { settings.removeFirst() }
        nghttp2_submit_settings(handle, UInt8(NGHTTP2_FLAG_NONE.rawValue), &settings, settings.count)
        nghttp2_session_set_local_window_size(handle, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, options.connectionWindow)
    }

    deinit { nghttp2_session_del(handle) }

    /// Feeds received bytes; returns false when the session hit a fatal error (a GOAWAY may be queued: send it, then
    /// close).
    func receive(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        let n = nghttp2_session_mem_recv(handle, base.assumingMemoryBound(to: UInt8.self), bytes.count)
        return n >= 0
    }

    /// Appends every frame nghttp2 has ready to `buffer`; stops early once `buffer` holds `limit` bytes.
    /// Returns false on a fatal error.
    @discardableResult
    func send(into buffer: inout ByteBuffer, limit: Int = .max) -> Bool {
        while buffer.readableBytes < limit {
            var pointer: UnsafePointer<UInt8>?
            let n = nghttp2_session_mem_send(handle, &pointer)
            if n < 0 { return false }
            if n == 0 { break }
            buffer.writeBytes(UnsafeRawBufferPointer(start: pointer, count: n))
        }
        return true
    }

    var wantsRead: Bool { nghttp2_session_want_read(handle) != 0 }
    var wantsWrite: Bool { nghttp2_session_want_write(handle) != 0 }

    /// Submits response headers; with `hasBody` the body is pulled from the delegate, otherwise END_STREAM is set on
    /// the HEADERS frame (a trailers-only response).
    func submitResponse(streamID: Int32, headers: HeaderBlock, hasBody: Bool) -> Bool {
        if hasBody {
            var provider = NGHTTP2Callbacks.dataProvider
            return nghttp2_submit_response(handle, streamID, headers.fields, headers.count, &provider) == 0
        }
        return nghttp2_submit_response(handle, streamID, headers.fields, headers.count, nil) == 0
    }

    /// Submits trailers (HEADERS with END_STREAM); allowed inside the data callback.
    func submitTrailers(streamID: Int32, headers: HeaderBlock) -> Bool {
        nghttp2_submit_trailer(handle, streamID, headers.fields, headers.count) == 0
    }

    /// Submits a request; the body is pulled from the delegate. Returns the new stream id, or nil when no stream
    /// could be opened (e.g. the peer's GOAWAY).
    func submitRequest(headers: HeaderBlock) -> Int32? {
        var provider = NGHTTP2Callbacks.dataProvider
        let id = nghttp2_submit_request(handle, nil, headers.fields, headers.count, &provider, nil)
        return id > 0 ? id : nil
    }

    /// Asks nghttp2 to call the data callback of a deferred stream again.
    func resumeData(streamID: Int32) {
        nghttp2_session_resume_data(handle, streamID)
    }

    func resetStream(_ streamID: Int32, code: HTTP2ErrorCode) {
        nghttp2_submit_rst_stream(handle, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, code.rawValue)
    }

    /// Submits GOAWAY with the last stream id processed so far.
    func submitGoaway(code: HTTP2ErrorCode, debug: String = "") {
        var text = Array(debug.utf8)
        let last = nghttp2_session_get_last_proc_stream_id(handle)
        nghttp2_submit_goaway(handle, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, code.rawValue, &text, text.count)
    }

    /// Submits the first GOAWAY of a graceful shutdown (last stream id 2^31-1): "no new streams soon".
    func submitShutdownNotice() {
        nghttp2_submit_shutdown_notice(handle)
    }

    func submitPing(_ payload: UInt64) {
        var bytes = payload.bigEndian
        withUnsafeBytes(of: &bytes) { raw in
            _ = nghttp2_submit_ping(
                handle, UInt8(NGHTTP2_FLAG_NONE.rawValue), raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
    }

    /// Gives `count` bytes of receive window back to the peer for a stream (and the connection).
    func consume(streamID: Int32, count: Int) {
        guard count > 0 else { return }
        if nghttp2_session_consume(handle, streamID, count) != 0 {
            nghttp2_session_consume_connection(handle, count)
        }
    }

    /// Gives `count` bytes of connection window back (for data of streams that are gone).
    func consumeConnection(count: Int) {
        guard count > 0 else { return }
        nghttp2_session_consume_connection(handle, count)
    }
}
