#ifndef CNGHTTP2_SHIM_H
#define CNGHTTP2_SHIM_H

#include <nghttp2/nghttp2.h>

/* nghttp2_frame is a union; these accessors keep Swift code free of union layout details. */
static inline int32_t cnghttp2_frame_stream_id(const nghttp2_frame *frame) { return frame->hd.stream_id; }
static inline uint8_t cnghttp2_frame_type(const nghttp2_frame *frame) { return frame->hd.type; }
static inline uint8_t cnghttp2_frame_flags(const nghttp2_frame *frame) { return frame->hd.flags; }
static inline size_t cnghttp2_frame_length(const nghttp2_frame *frame) { return frame->hd.length; }
static inline int cnghttp2_frame_headers_category(const nghttp2_frame *frame) { return (int)frame->headers.cat; }
static inline uint32_t cnghttp2_frame_rst_error_code(const nghttp2_frame *frame) { return frame->rst_stream.error_code; }
static inline uint32_t cnghttp2_frame_goaway_error_code(const nghttp2_frame *frame) { return frame->goaway.error_code; }
static inline int32_t cnghttp2_frame_goaway_last_stream_id(const nghttp2_frame *frame) { return frame->goaway.last_stream_id; }
static inline const uint8_t *cnghttp2_frame_ping_data(const nghttp2_frame *frame) { return frame->ping.opaque_data; }

#endif
