import CNGHTTP2

/// The process-wide nghttp2 callback table. Every callback recovers its ``NGHTTP2Session`` from the user-data
/// pointer (unretained: the session outlives its nghttp2 handle) and forwards to the session's delegate.
enum NGHTTP2Callbacks {
    nonisolated(unsafe) static let shared: OpaquePointer = makeCallbacks()

    /// The data provider every body uses; the stream id identifies the body.
    static let dataProvider = nghttp2_data_provider(
        source: nghttp2_data_source(ptr: nil), read_callback: readData)

    @inline(__always)
    private static func session(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2Session {
        Unmanaged<NGHTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func makeCallbacks() -> OpaquePointer {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        let cb = callbacks!
        nghttp2_session_callbacks_set_on_begin_headers_callback(cb, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(cb, onHeader)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cb, onDataChunk)
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, onFrameRecv)
        nghttp2_session_callbacks_set_on_stream_close_callback(cb, onStreamClose)
        nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cb, onInvalidFrame)
        nghttp2_session_callbacks_set_on_frame_send_callback(cb, onFrameSend)
        return cb
    }

    private static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame else { return 0 }
        let category = cnghttp2_frame_headers_category(frame)
        let isFirst = category == Int32(NGHTTP2_HCAT_REQUEST.rawValue) || category == Int32(NGHTTP2_HCAT_RESPONSE.rawValue)
        session(userData).delegate.sessionBeginHeaders(streamID: cnghttp2_frame_stream_id(frame), isFirst: isFirst)
        return 0
    }

    private static let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame else { return 0 }
        let accepted = session(userData).delegate.sessionHeader(
            streamID: cnghttp2_frame_stream_id(frame),
            name: UnsafeRawBufferPointer(start: name, count: nameLength),
            value: UnsafeRawBufferPointer(start: value, count: valueLength))
        return accepted ? 0 : Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
    }

    private static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
        session(userData).delegate.sessionData(streamID: streamID, UnsafeRawBufferPointer(start: data, count: length))
        return 0
    }

    private static let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame else { return 0 }
        let type = cnghttp2_frame_type(frame)
        var received = ReceivedFrame(
            type: type, streamID: cnghttp2_frame_stream_id(frame), flags: cnghttp2_frame_flags(frame),
            length: cnghttp2_frame_length(frame), errorCode: 0,
            lastStreamID: 0, isFirstHeaders: false)
        switch type {
        case HTTP2FrameType.rstStream.rawValue:
            received.errorCode = cnghttp2_frame_rst_error_code(frame)
        case HTTP2FrameType.goaway.rawValue:
            received.errorCode = cnghttp2_frame_goaway_error_code(frame)
            received.lastStreamID = cnghttp2_frame_goaway_last_stream_id(frame)
        case HTTP2FrameType.headers.rawValue:
            let category = cnghttp2_frame_headers_category(frame)
            received.isFirstHeaders =
                category == Int32(NGHTTP2_HCAT_REQUEST.rawValue) || category == Int32(NGHTTP2_HCAT_RESPONSE.rawValue)
        default:
            break
        }
        session(userData).delegate.sessionFrameReceived(received)
        return 0
    }

    private static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        session(userData).delegate.sessionStreamClosed(streamID: streamID, errorCode: errorCode)
        return 0
    }

    private static let onInvalidFrame: nghttp2_on_invalid_frame_recv_callback = { _, frame, _, userData in
        guard let frame else { return 0 }
        session(userData).delegate.sessionInvalidFrame(
            streamID: cnghttp2_frame_stream_id(frame), type: cnghttp2_frame_type(frame))
        return 0
    }

    private static let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, userData in
        guard let frame else { return 0 }
        session(userData).delegate.sessionFrameSent(
            type: cnghttp2_frame_type(frame), streamID: cnghttp2_frame_stream_id(frame),
            flags: cnghttp2_frame_flags(frame))
        return 0
    }

    private static let readData: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        let result = session(userData).delegate.sessionReadData(
            streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length))
        switch result {
        case .bytes(let count):
            return count
        case .deferred:
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        case .end(let count, let endStream):
            var value = flags!.pointee | NGHTTP2_DATA_FLAG_EOF.rawValue
            if !endStream { value |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue }
            flags!.pointee = value
            return count
        }
    }
}
