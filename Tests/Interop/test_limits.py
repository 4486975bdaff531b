"""Message-size and stream limits of port-interop-server: the defaults and the command-line flags."""

from __future__ import annotations

import grpc
import pytest
import support
from hyperframe.frame import SettingsFrame
from rawh2 import RawH2
from support import PB, MiB, payload

M = PB.messages


def sized_request(total: int, response_size: int = 0):
    """A SimpleRequest whose serialized size is exactly `total` bytes."""
    for body in range(max(0, total - 32), total + 1):
        request = M.SimpleRequest(response_size=response_size, payload=payload(body))
        if request.ByteSize() == total:
            return request
    raise AssertionError(f"no SimpleRequest serializes to exactly {total} bytes")


def _unary(server, request, timeout=30):
    with support.channel(server.port) as ch:
        return PB.test_grpc.TestServiceStub(ch).UnaryCall(request, timeout=timeout)


def _expect_resource_exhausted(server, request, what: str):
    with pytest.raises(grpc.RpcError) as info:
        _unary(server, request)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (
        f"{what}: expected RESOURCE_EXHAUSTED, got {info.value.code()} {info.value.details()!r}"
    )


def test_request_over_default_4mib_is_resource_exhausted(interop_server):
    request = M.SimpleRequest(response_size=10, payload=payload(4 * MiB + 1024))
    _expect_resource_exhausted(interop_server, request, f"a {request.ByteSize()}-byte request (limit 4 MiB)")
    support.assert_serving(interop_server, "an oversized request")


def test_request_of_exactly_4mib_is_accepted(interop_server):
    request = sized_request(4 * MiB, response_size=16)
    reply = _unary(interop_server, request)
    assert len(reply.payload.body) == 16, "a request at the limit must be served"


def test_streamed_message_over_limit_is_resource_exhausted(interop_server):
    requests = [
        M.StreamingInputCallRequest(payload=payload(1000)),
        M.StreamingInputCallRequest(payload=payload(5 * MiB)),
        M.StreamingInputCallRequest(payload=payload(1000)),
    ]
    with support.channel(interop_server.port) as ch:
        with pytest.raises(grpc.RpcError) as info:
            PB.test_grpc.TestServiceStub(ch).StreamingInputCall(iter(requests), timeout=30)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (
        f"a 5 MiB message inside a client stream: expected RESOURCE_EXHAUSTED, got {info.value.code()}"
    )
    support.assert_serving(interop_server, "an oversized streamed message")


def test_max_receive_message_size_flag(server_factory):
    server = server_factory(extra=["--max-receive-message-size", "1024"])
    _expect_resource_exhausted(server, M.SimpleRequest(payload=payload(2048)), "a 2 KiB request with a 1 KiB limit")
    _expect_resource_exhausted(server, sized_request(1025), "a 1025-byte request with a 1024-byte limit")
    reply = _unary(server, M.SimpleRequest(response_size=4096, payload=payload(512)))
    assert len(reply.payload.body) == 4096, "a small request must still work (the limit is for requests only)"
    reply = _unary(server, sized_request(1024, response_size=3))
    assert len(reply.payload.body) == 3, "a request of exactly the limit must be served"
    support.assert_serving(server, "requests over a 1 KiB limit")


def _server_settings(port: int) -> dict:
    with RawH2(port) as conn:
        assert conn.wait_until(lambda: conn.events.settings or conn.ended, 10), "the server sent no SETTINGS"
        return dict(conn.events.settings)


def test_default_max_concurrent_streams_is_advertised(interop_server):
    if support.TARGET == "stock":
        pytest.skip("CYBERPORT_INTEROP_TARGET=stock: grpcio advertises no stream limit by default")
    settings = _server_settings(interop_server.port)
    assert settings.get(SettingsFrame.MAX_CONCURRENT_STREAMS) == 100, (
        f"SETTINGS_MAX_CONCURRENT_STREAMS should default to 100; the server sent {settings}"
    )


@pytest.mark.stock_deviation("C-core answers REFUSED_STREAM at its limit before it releases finished streams")
def test_max_concurrent_streams_flag(server_factory):
    server = server_factory(extra=["--max-concurrent-streams", "7"])
    settings = _server_settings(server.port)
    assert settings.get(SettingsFrame.MAX_CONCURRENT_STREAMS) == 7, (
        f"--max-concurrent-streams 7 should be advertised in SETTINGS; the server sent {settings}"
    )
    with support.channel(server.port) as ch:
        stub = PB.test_grpc.TestServiceStub(ch)
        # One call first, so that the client has the server's SETTINGS before the burst: grpcio then queues the calls
        # over the limit itself.  (Streams opened before the SETTINGS arrive: test_streams_over_the_limit_...)
        stub.EmptyCall(PB.empty.Empty(), timeout=10)
        slow = M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=1, interval_us=100_000)])
        calls = [stub.StreamingOutputCall(slow, timeout=15) for _ in range(20)]
        outcomes = []
        for call in calls:
            try:
                outcomes.append([len(r.payload.body) for r in call])
            except grpc.RpcError as exc:
                outcomes.append(f"{exc.code()} {exc.details()}")
    assert outcomes == [[1]] * 20, f"20 calls over a 7-stream limit must all complete: {outcomes}"


@pytest.mark.stock_deviation("C-core may serve or refuse differently")
@pytest.mark.parametrize(
    ("extra", "count", "limit"),
    [([], 150, 100), (["--max-concurrent-streams", "7"], 20, 7)],
    ids=["default-100", "flag-7"],
)
def test_streams_over_the_limit_are_refused_not_hung(server_factory, extra, count, limit):
    """A client may open streams before it has the server's SETTINGS.  The server serves up to its limit and answers
    the excess with RST_STREAM REFUSED_STREAM (safe to retry) -- every stream gets an answer, none hangs."""
    server = server_factory(extra=extra)
    body = support.grpc_frame(
        M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=1)]).SerializeToString()
    )
    with RawH2(server.port) as conn:
        frames = []
        for i in range(count):
            sid = 1 + 2 * i
            frames += [
                conn.grpc_headers(sid, "/grpc.testing.TestService/StreamingOutputCall"),
                RawH2.data(sid, body, end_stream=True),
            ]
        conn.send(*frames)

        def statuses() -> dict[int, bytes]:
            return {
                sid: dict(block)[b"grpc-status"]
                for sid, block in conn.events.headers_blocks
                if b"grpc-status" in dict(block)
            }

        conn.wait_until(lambda: len(statuses()) + len(conn.events.rst) >= count or conn.ended, 10)
        served = statuses()
        refused = dict(conn.events.rst)
        outcome = (
            f"{len(served)} answered with grpc-status {sorted(set(served.values()))}, RST_STREAM codes "
            f"{sorted(set(refused.values()))} on {len(refused)} streams, {conn.goaway_summary()}"
        )
    assert not conn.ended, f"a burst of {count} streams ended the connection: {outcome}"
    unanswered = [1 + 2 * i for i in range(count) if 1 + 2 * i not in served and 1 + 2 * i not in refused]
    assert not unanswered, f"{len(unanswered)} of {count} streams got no answer within 10 s (hung): {outcome}"
    assert set(served.values()) <= {b"0"}, f"served streams must succeed: {outcome}"
    assert set(refused.values()) <= {7}, f"streams over the limit must be reset with REFUSED_STREAM (7): {outcome}"
    assert len(served) >= limit, f"at least {limit} streams (the limit) must be served: {outcome}"
    support.assert_serving(server, f"a burst of {count} streams before SETTINGS")
