"""port-interop-server at the HTTP/2 level: raw requests that a gRPC library would never send, and abuse.

Every abuse loop is bounded in count and time and talks to 127.0.0.1 only.  After each test that could hurt the
server, a normal grpcio call on a fresh connection must still succeed (support.assert_serving).
"""

from __future__ import annotations

import os
import socket
import time

import pytest
import support
from h2.errors import ErrorCodes
from hyperframe.frame import HeadersFrame
from rawh2 import H2Client, RawH2, error_name, grpc_request_headers
from support import PB, MiB, grpc_frame

M = PB.messages
UNARY = "/grpc.testing.TestService/UnaryCall"
EMPTY = "/grpc.testing.TestService/EmptyCall"
STREAMING_OUTPUT = "/grpc.testing.TestService/StreamingOutputCall"

INTERNAL = 13
RESOURCE_EXHAUSTED = 8
UNIMPLEMENTED = 12
DEADLINE_EXCEEDED = 4


def unary_body(size: int = 10, payload_size: int = 0) -> bytes:
    return grpc_frame(M.SimpleRequest(response_size=size, payload=support.payload(payload_size)).SerializeToString())


def parse_grpc_messages(data: bytes) -> list[bytes]:
    messages, offset = [], 0
    while offset < len(data):
        assert len(data) - offset >= 5, f"a truncated gRPC message prefix in the response: {data[offset:]!r}"
        flag, length = data[offset], int.from_bytes(data[offset + 1 : offset + 5], "big")
        assert flag == 0, f"the response message is flagged compressed ({flag}) though no encoding was negotiated"
        assert len(data) - offset - 5 >= length, "a truncated gRPC message in the response"
        messages.append(data[offset + 5 : offset + 5 + length])
        offset += 5 + length
    return messages


# --------------------------------------------------------------------------------------------------------------------
# Well-formed HTTP/2, edge-case gRPC


@pytest.mark.parametrize("content_type", ["application/grpc", "application/grpc+proto"])
def test_valid_request_and_response_framing(interop_server, content_type):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, unary_body(size=1000, payload_size=100), content_type=content_type)
    assert r.http_status == 200, r.summary()
    assert r.headers.get("content-type", b"").startswith(b"application/grpc"), f"response content-type: {r.summary()}"
    assert "grpc-status" in r.trailers, f"grpc-status must come in trailers after a message: {r.summary()}"
    assert r.grpc_status == 0, r.summary()
    messages = parse_grpc_messages(r.data)
    assert len(messages) == 1, f"a unary response carries exactly one message, got {len(messages)}"
    assert len(M.SimpleResponse.FromString(messages[0]).payload.body) == 1000


@pytest.mark.stock_deviation("C-core serves any content-type")
@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/json", "application/grp", "application/grpcx", "grpc", "application/x-grpc"],
    ids=["missing", "text-plain", "json", "truncated", "grpcx", "bare-grpc", "x-grpc"],
)
def test_non_grpc_content_type_is_415(interop_server, content_type):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, unary_body(), content_type=content_type)
    assert r.http_status == 415, f"content-type {content_type!r}: expected HTTP 415, got {r.summary()}"
    support.assert_serving(interop_server, f"a request with content-type {content_type!r}")


@pytest.mark.parametrize(
    "body",
    [
        b"\xff" * 11,  # an 11-byte varint: no valid protobuf field key
        b"\x1a\x64abc",  # field 3 (payload) declared as 100 bytes long, 3 present
        b"\x0f\x00\x00\x00",  # wire type 7 does not exist
    ],
    ids=["overlong-varint", "truncated-length-delimited", "bad-wire-type"],
)
def test_malformed_protobuf_is_internal(interop_server, body):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, grpc_frame(body))
    assert r.grpc_status == INTERNAL, f"malformed request message {body!r}: expected grpc-status 13, got {r.summary()}"
    assert r.grpc_message, f"grpc-message must explain the INTERNAL error: {r.summary()}"
    support.assert_serving(interop_server, "a malformed request message")


@pytest.mark.stock_deviation("grpcio answers UNIMPLEMENTED (no complete request message)")
def test_truncated_length_prefix_is_internal(interop_server):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, b"\x00\x00\x00")  # 3 of the 5 prefix bytes, then END_STREAM
    assert r.grpc_status == INTERNAL, f"a truncated message prefix: expected grpc-status 13, got {r.summary()}"
    support.assert_serving(interop_server, "a truncated message prefix")


@pytest.mark.stock_deviation("grpcio answers UNIMPLEMENTED (no complete request message)")
def test_truncated_message_body_is_internal(interop_server):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, b"\x00" + (100).to_bytes(4, "big") + b"\x00" * 10)  # 10 of 100 bytes
    assert r.grpc_status == INTERNAL, f"a message cut short by END_STREAM: expected grpc-status 13, got {r.summary()}"


def test_unary_request_without_a_message_fails(interop_server):
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, None)  # HEADERS with END_STREAM, no DATA
    assert r.grpc_status not in (None, 0), f"a unary call without a request message must fail: {r.summary()}"
    support.assert_serving(interop_server, "a unary call without a message")


def test_compressed_flag_without_encoding_fails_cleanly(interop_server):
    """Compressed-Flag 1 but no grpc-encoding: grpc-go and grpc-java answer INTERNAL (a protocol violation); an
    answer of UNIMPLEMENTED (compression not supported) is accepted too.  Never OK: the bytes are not a message."""
    message = M.SimpleRequest(response_size=1).SerializeToString()
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, grpc_frame(message, compressed=True))
    assert r.grpc_status in (INTERNAL, UNIMPLEMENTED), (
        f"compressed flag 1 without a grpc-encoding header: expected grpc-status 13 (or 12), got {r.summary()}"
    )
    assert r.grpc_message, f"grpc-message must explain the error: {r.summary()}"


@pytest.mark.stock_deviation("C-core answers INTERNAL")
def test_unknown_message_encoding_is_unimplemented(interop_server):
    message = M.SimpleRequest(response_size=1).SerializeToString()
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, grpc_frame(message, compressed=True), extra=[("grpc-encoding", "x-no-such-codec")])
    assert r.grpc_status == UNIMPLEMENTED, f"an unsupported grpc-encoding: expected grpc-status 12, got {r.summary()}"


def test_declared_100mib_message_is_resource_exhausted_without_buffering(interop_server):
    with H2Client(interop_server.port) as client:
        sid = client.start_request(grpc_request_headers(client.port, UNARY))
        started = time.monotonic()
        client.send_data(sid, b"\x00" + (100 * MiB).to_bytes(4, "big") + b"\x00" * 1024)  # no END_STREAM
        r = client.wait(sid, timeout=10)
        elapsed = time.monotonic() - started
    assert r.grpc_status == RESOURCE_EXHAUSTED, (
        f"a message declared as 100 MiB (limit 4 MiB): expected grpc-status 8 before the body arrives, got "
        f"{r.summary()} after {elapsed:.1f}s"
    )
    assert elapsed < 5, f"the server took {elapsed:.1f}s to refuse: it should not wait for (or buffer) the body"
    support.assert_serving(interop_server, "a 100 MiB message declaration")


@pytest.mark.parametrize(
    "path", ["/no.such.Service/Method", "/grpc.testing.TestService/NoSuchMethod", "/", "/grpc.testing.TestService"]
)
def test_unknown_path_is_unimplemented(interop_server, path):
    with H2Client(interop_server.port) as client:
        r = client.request(path, grpc_frame(b""))
    assert r.http_status == 200, f"{path}: gRPC errors travel with HTTP 200: {r.summary()}"
    assert r.grpc_status == UNIMPLEMENTED, f"{path}: expected grpc-status 12, got {r.summary()}"


def test_status_message_is_percent_encoded_on_the_wire(interop_server):
    message = "\t\nstatus 100% 日本語 😈\r\n"
    body = grpc_frame(M.SimpleRequest(response_status=M.EchoStatus(code=2, message=message)).SerializeToString())
    with H2Client(interop_server.port) as client:
        r = client.request(UNARY, body)
    assert r.grpc_status == 2, r.summary()
    raw = r.grpc_message_raw
    assert raw is not None, f"no grpc-message: {r.summary()}"
    assert all(0x20 <= b <= 0x7E for b in raw), f"grpc-message must be printable ASCII (percent-encoded): {raw!r}"
    assert r.grpc_message == message, f"grpc-message decodes to {r.grpc_message!r}, expected {message!r}"


def test_server_enforces_grpc_timeout(interop_server):
    """The server itself ends a call at its grpc-timeout (a raw client does not cancel anything)."""
    body = grpc_frame(
        M.StreamingOutputCallRequest(
            response_parameters=[M.ResponseParameters(size=1, interval_us=1_000_000)] * 10
        ).SerializeToString()
    )
    with H2Client(interop_server.port) as client:
        started = time.monotonic()
        r = client.request(STREAMING_OUTPUT, body, extra=[("grpc-timeout", "300m")], timeout=15)
        elapsed = time.monotonic() - started
    ended_by_server = r.grpc_status == DEADLINE_EXCEEDED or r.reset_code is not None
    assert ended_by_server, (
        f"grpc-timeout 300m on a 10 s stream: expected DEADLINE_EXCEEDED (4) or RST_STREAM, got {r.summary()}"
    )
    assert elapsed < 5, f"the server ended the call only after {elapsed:.1f}s (grpc-timeout was 300 ms)"


# --------------------------------------------------------------------------------------------------------------------
# Abuse


def test_oversized_header_block_is_rejected(interop_server):
    big = os.urandom(12 * 1024).hex()  # a 24 KiB header value: the header list is well beyond 16 KiB
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        block = conn.encoder.encode(
            [
                (":method", "POST"),
                (":scheme", "http"),
                (":path", EMPTY),
                (":authority", "127.0.0.1"),
                ("content-type", "application/grpc"),
                ("te", "trailers"),
                ("x-big", big),
            ],
            huffman=False,
        )
        chunks = [block[i : i + 16384] for i in range(0, len(block), 16384)]  # the default SETTINGS_MAX_FRAME_SIZE
        frames = [HeadersFrame(1, data=chunks[0], flags=set())]
        frames += [RawH2.continuation(1, c, end_headers=i == len(chunks) - 1) for i, c in enumerate(chunks) if i > 0]
        conn.send(*frames, RawH2.data(1, grpc_frame(b""), end_stream=True))
        conn.wait_until(lambda: rejected(conn, 1), 10)
        headers = conn.headers_for(1)
        outcome = (
            f"RST_STREAM={error_name(conn.events.rst.get(1))} headers={headers} {conn.goaway_summary()} "
            f"server settings={conn.events.settings}"
        )
        assert headers.get(b"grpc-status") != b"0", f"a {len(block)}-byte header block was served: {outcome}"
        assert rejected(conn, 1), f"a {len(block)}-byte header block was neither reset nor refused: {outcome}"
    support.assert_serving(interop_server, "an oversized header block")


def rejected(conn: RawH2, stream_id: int) -> bool:
    """The stream was reset or refused with 431 / a gRPC error, or the connection was ended."""
    headers = conn.headers_for(stream_id)
    return (
        stream_id in conn.events.rst
        or conn.ended
        or headers.get(b":status") == b"431"
        or headers.get(b"grpc-status") not in (None, b"0")
    )


def test_continuation_flood_is_cut_off(interop_server):
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        first = conn.encoder.encode(
            [
                (":method", "POST"),
                (":scheme", "http"),
                (":path", EMPTY),
                (":authority", "127.0.0.1"),
                ("content-type", "application/grpc"),
            ]
        )
        conn.send(HeadersFrame(1, data=first, flags=set()))
        sent, deadline = 0, time.monotonic() + 15
        filler = hpack_literal(b"x-flood", b"v" * 1000)
        while sent < 4000 and time.monotonic() < deadline and not conn.ended and 1 not in conn.events.rst:
            if not conn.send(*[RawH2.continuation(1, filler) for _ in range(50)]):
                break
            sent += 50
            conn.pump(0)
        conn.wait_until(lambda: conn.ended or 1 in conn.events.rst, 5)
        outcome = (
            f"after {sent} CONTINUATION frames (~{sent} KiB of headers): {conn.goaway_summary()}, rst={conn.events.rst}"
        )
        assert conn.ended or 1 in conn.events.rst, f"an endless header block was never cut off: {outcome}"
    support.assert_serving(interop_server, "a CONTINUATION flood")


def hpack_literal(name: bytes, value: bytes) -> bytes:
    """A literal header field without indexing, new name, no Huffman (RFC 7541 6.2.2)."""

    def string(s: bytes) -> bytes:
        return hpack_int(len(s), 7, 0x00) + s

    return b"\x00" + string(name) + string(value)


def hpack_int(value: int, prefix_bits: int, flags: int) -> bytes:
    limit = (1 << prefix_bits) - 1
    if value < limit:
        return bytes([flags | value])
    out = bytearray([flags | limit])
    value -= limit
    while value >= 128:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def test_garbage_instead_of_preface_closes_the_connection(interop_server):
    with socket.create_connection(("127.0.0.1", interop_server.port), timeout=10) as sock:
        sock.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 this is not an HTTP/2 preface at all\r\n\r\n" * 4)
        sock.settimeout(10)
        received = b""
        started = time.monotonic()
        try:
            while time.monotonic() - started < 10:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
            else:
                pytest.fail(
                    f"the server kept a connection open for 10 s after a garbage preface (got {received[:64]!r})"
                )
        except ConnectionResetError:
            pass
        except socket.timeout:
            pytest.fail(
                f"the server neither closed nor answered after a garbage preface within 10 s ({received[:64]!r})"
            )
    support.assert_serving(interop_server, "garbage instead of the connection preface")


@pytest.mark.stock_deviation("C-core limits resets without a GOAWAY")
def test_rapid_reset_flood_ends_the_connection(interop_server):
    pairs, deadline = 0, time.monotonic() + 20
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        sid = 1
        while pairs < 20000 and time.monotonic() < deadline and not conn.ended:
            frames = []
            for _ in range(100):
                frames.append(conn.grpc_headers(sid, EMPTY))
                frames.append(RawH2.rst(sid, ErrorCodes.CANCEL))
                sid += 2
            if not conn.send(*frames):
                break
            pairs += 100
            conn.pump(0)
        conn.wait_until(lambda: conn.ended, 5)
        outcome = f"after {pairs} HEADERS+RST_STREAM pairs: {conn.goaway_summary()}"
        assert conn.ended, f"rapid reset: the server never ended the connection ({outcome})"
    support.assert_serving(interop_server, f"a rapid-reset flood ({outcome})")


def test_window_update_zero_on_connection_is_a_connection_error(interop_server):
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        conn.send(RawH2.window_update(0, 0))
        conn.wait_until(lambda: conn.ended, 5)
        outcome = conn.goaway_summary()
        assert conn.ended, "WINDOW_UPDATE with increment 0 on stream 0 must end the connection (RFC 9113 6.9)"
        if conn.events.goaway:
            assert conn.events.goaway[0][0] == ErrorCodes.PROTOCOL_ERROR, f"expected GOAWAY PROTOCOL_ERROR: {outcome}"
    support.assert_serving(interop_server, f"WINDOW_UPDATE 0 on the connection ({outcome})")


@pytest.mark.stock_deviation("C-core ignores DATA on closed streams")
@pytest.mark.parametrize("kind", ["window-update-zero-on-streams", "data-on-closed-streams"])
def test_invalid_frame_flood_ends_the_connection(interop_server, kind):
    iterations, deadline = 0, time.monotonic() + 20
    empty_call = grpc_frame(b"")
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        sid = 1
        while iterations < 20000 and time.monotonic() < deadline and not conn.ended:
            frames = []
            for _ in range(50):
                if kind == "window-update-zero-on-streams":
                    frames += [conn.grpc_headers(sid, EMPTY), RawH2.window_update(sid, 0)]
                else:
                    frames += [
                        conn.grpc_headers(sid, EMPTY),
                        RawH2.data(sid, empty_call, end_stream=True),
                        RawH2.data(sid, b"after END_STREAM"),
                    ]
                sid += 2
            if not conn.send(*frames):
                break
            iterations += 50
            conn.pump(0)
        conn.wait_until(lambda: conn.ended, 5)
        outcome = f"after {iterations} rounds of {kind}: {conn.goaway_summary()}, {len(conn.events.rst)} RST_STREAMs"
        assert conn.ended, f"a flood of invalid frames never ended the connection ({outcome})"
    support.assert_serving(interop_server, f"an invalid-frame flood ({outcome})")


def test_ping_flood_leaves_the_server_up(interop_server):
    sent, deadline = 0, time.monotonic() + 10
    with RawH2(interop_server.port) as conn:
        conn.wait_until(lambda: conn.events.settings or conn.ended, 5)
        while sent < 50000 and time.monotonic() < deadline and not conn.ended:
            if not conn.send(*[RawH2.ping(i.to_bytes(8, "big")) for i in range(sent, sent + 500)]):
                break
            sent += 500
            if sent % 5000 == 0:
                conn.pump(0)
        conn.wait_until(lambda: conn.ended or conn.events.ping_acks >= sent, 5)
        outcome = f"{sent} PINGs sent, {conn.events.ping_acks} ACKs, {conn.goaway_summary()}"
        if conn.events.goaway:
            codes = {code for code, _, _ in conn.events.goaway}
            assert codes <= {ErrorCodes.ENHANCE_YOUR_CALM, ErrorCodes.NO_ERROR}, (
                f"a PING flood may end with GOAWAY ENHANCE_YOUR_CALM, not {outcome}"
            )
        elif not conn.events.closed:
            assert conn.events.ping_acks == sent, f"the server neither acknowledged every PING nor went away: {outcome}"
    support.assert_serving(interop_server, f"a PING flood ({outcome})")


def test_many_idle_connections_do_not_block_service(interop_server):
    conns = []
    try:
        for _ in range(200):
            conns.append(RawH2(interop_server.port))
        support.assert_serving(interop_server, "200 idle HTTP/2 connections")
    finally:
        for c in conns:
            c.close()
    support.assert_serving(interop_server, "closing 200 idle connections")
