"""A stock gRPC client (grpcio) against port-interop-server: gRPC's interop test cases and a few load shapes."""

from __future__ import annotations

import queue
import threading
import time

import grpc
import pytest
import support
from support import PB, MiB, payload

M = PB.messages


class RequestQueue:
    """A request iterator the test feeds by hand; `close()` half-closes the stream."""

    _END = object()

    def __init__(self):
        self._q: queue.Queue = queue.Queue()

    def put(self, item) -> None:
        self._q.put(item)

    def close(self) -> None:
        self._q.put(self._END)

    def __iter__(self):
        return self

    def __next__(self):
        item = self._q.get()
        if item is self._END:
            raise StopIteration
        return item


def _code(exc: grpc.RpcError) -> grpc.StatusCode:
    return exc.code()


# --------------------------------------------------------------------------------------------------------------------
# gRPC interop test cases


def test_empty_unary(test_stub):
    reply = test_stub.EmptyCall(PB.empty.Empty(), timeout=10)
    assert isinstance(reply, PB.empty.Empty), f"EmptyCall returned {type(reply)}"
    assert reply.ByteSize() == 0, f"EmptyCall returned a non-empty message: {reply}"


def test_large_unary(test_stub):
    request = M.SimpleRequest(response_type=M.COMPRESSABLE, response_size=271828, payload=payload(314159))
    reply = test_stub.UnaryCall(request, timeout=20)
    assert len(reply.payload.body) == 271828, f"response payload is {len(reply.payload.body)} bytes, expected 271828"
    assert reply.payload.body == bytes(271828), "response payload must be all zero bytes"


def test_client_streaming(test_stub):
    sizes = [27182, 8, 1828, 45904]
    reply = test_stub.StreamingInputCall(
        iter([M.StreamingInputCallRequest(payload=payload(n)) for n in sizes]), timeout=20
    )
    assert reply.aggregated_payload_size == 74922, (
        f"aggregated_payload_size is {reply.aggregated_payload_size}, expected 74922 (= {' + '.join(map(str, sizes))})"
    )


def test_client_streaming_no_requests(test_stub):
    reply = test_stub.StreamingInputCall(iter([]), timeout=10)
    assert reply.aggregated_payload_size == 0, f"no requests must aggregate to 0, got {reply.aggregated_payload_size}"


def test_server_streaming(test_stub):
    sizes = [31415, 9, 2653, 58979]
    request = M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=n) for n in sizes])
    got = [len(r.payload.body) for r in test_stub.StreamingOutputCall(request, timeout=20)]
    assert got == sizes, f"response payload sizes {got}, expected {sizes}"


def test_ping_pong(test_stub):
    request_sizes = [27182, 8, 1828, 45904]
    response_sizes = [31415, 9, 2653, 58979]
    requests = RequestQueue()
    call = test_stub.FullDuplexCall(requests, timeout=20)
    try:
        for req_size, resp_size in zip(request_sizes, response_sizes, strict=True):
            requests.put(
                M.StreamingOutputCallRequest(
                    response_parameters=[M.ResponseParameters(size=resp_size)], payload=payload(req_size)
                )
            )
            reply = next(call)
            assert len(reply.payload.body) == resp_size, (
                f"ping-pong: response to a {req_size}-byte request has {len(reply.payload.body)} bytes, "
                f"expected {resp_size}"
            )
        requests.close()
        rest = list(call)
        assert rest == [], f"no responses expected after the half-close, got {len(rest)}"
        assert call.code() == grpc.StatusCode.OK, f"FullDuplexCall ended with {call.code()} {call.details()}"
    finally:
        requests.close()


def test_empty_stream(test_stub):
    call = test_stub.FullDuplexCall(iter([]), timeout=10)
    responses = list(call)
    assert responses == [], f"an empty FullDuplexCall must produce no responses, got {len(responses)}"
    assert call.code() == grpc.StatusCode.OK, f"empty FullDuplexCall ended with {call.code()} {call.details()}"


def test_half_duplex(test_stub):
    sizes = [[10, 20], [], [30]]
    requests = [
        M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=n) for n in group])
        for group in sizes
    ]
    got = [len(r.payload.body) for r in test_stub.HalfDuplexCall(iter(requests), timeout=20)]
    assert got == [10, 20, 30], f"HalfDuplexCall response sizes {got}, expected [10, 20, 30] in request order"


def test_half_duplex_answers_only_after_half_close(test_stub):
    requests = RequestQueue()
    call = test_stub.HalfDuplexCall(requests, timeout=20)
    try:
        requests.put(M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=5)]))
        received: list = []
        reader = threading.Thread(target=lambda: received.extend(call), daemon=True)
        reader.start()
        reader.join(0.5)
        assert received == [], "HalfDuplexCall answered before the client half-closed"
        requests.close()
        reader.join(10)
        assert [len(r.payload.body) for r in received] == [5], f"after the half-close: {received}"
    finally:
        requests.close()


STATUS_MESSAGES = [
    pytest.param("test status message", id="ascii"),
    pytest.param("\t\n%25 percent % and 日本語のメッセージ: 港湾の状態 😈\r\n\t", id="percent-encoded-unicode"),
]


@pytest.mark.parametrize("message", STATUS_MESSAGES)
def test_status_code_and_message_unary(test_stub, message):
    request = M.SimpleRequest(response_status=M.EchoStatus(code=2, message=message))
    with pytest.raises(grpc.RpcError) as info:
        test_stub.UnaryCall(request, timeout=10)
    assert info.value.code() == grpc.StatusCode.UNKNOWN, f"expected UNKNOWN (2), got {info.value.code()}"
    assert info.value.details() == message, f"status message {info.value.details()!r}, expected {message!r}"


@pytest.mark.parametrize("message", STATUS_MESSAGES)
def test_status_code_and_message_full_duplex(test_stub, message):
    request = M.StreamingOutputCallRequest(response_status=M.EchoStatus(code=2, message=message))
    call = test_stub.FullDuplexCall(iter([request]), timeout=10)
    with pytest.raises(grpc.RpcError) as info:
        list(call)
    assert info.value.code() == grpc.StatusCode.UNKNOWN, f"expected UNKNOWN (2), got {info.value.code()}"
    assert info.value.details() == message, f"status message {info.value.details()!r}, expected {message!r}"


def test_status_after_streamed_responses(test_stub):
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=7), M.ResponseParameters(size=8)],
        response_status=M.EchoStatus(code=9, message="precondition after two responses"),
    )
    call = test_stub.StreamingOutputCall(request, timeout=10)
    got = []
    with pytest.raises(grpc.RpcError) as info:
        for r in call:
            got.append(len(r.payload.body))
    assert got == [7, 8], f"the responses before the status must arrive, got sizes {got}"
    assert info.value.code() == grpc.StatusCode.FAILED_PRECONDITION, f"got {info.value.code()}"
    assert info.value.details() == "precondition after two responses"


def test_unimplemented_method(test_stub):
    with pytest.raises(grpc.RpcError) as info:
        test_stub.UnimplementedMethod(PB.empty.Empty(), timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED, f"expected UNIMPLEMENTED, got {info.value.code()}"


def test_unimplemented_service(interop_channel):
    call = interop_channel.unary_unary(
        "/grpc.testing.UnimplementedService/UnimplementedCall",
        request_serializer=PB.empty.Empty.SerializeToString,
        response_deserializer=PB.empty.Empty.FromString,
    )
    with pytest.raises(grpc.RpcError) as info:
        call(PB.empty.Empty(), timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED, f"expected UNIMPLEMENTED, got {info.value.code()}"


ECHO_INITIAL = ("x-grpc-test-echo-initial", "test_initial_metadata_value")
ECHO_TRAILING = ("x-grpc-test-echo-trailing-bin", b"\x0a\x0b\x0a\x0b\x0a\x0b")


def _assert_echoed(initial, trailing):
    initial = list(initial or [])
    trailing = list(trailing or [])
    assert ECHO_INITIAL in [(k, v) for k, v in initial], f"{ECHO_INITIAL} not echoed in the headers: {initial}"
    assert ECHO_TRAILING in [(k, v) for k, v in trailing], f"{ECHO_TRAILING} not echoed in the trailers: {trailing}"


def test_custom_metadata_unary(test_stub):
    request = M.SimpleRequest(response_size=314159, payload=payload(271828))
    reply, call = test_stub.UnaryCall.with_call(request, metadata=[ECHO_INITIAL, ECHO_TRAILING], timeout=10)
    assert len(reply.payload.body) == 314159
    _assert_echoed(call.initial_metadata(), call.trailing_metadata())


def test_custom_metadata_full_duplex(test_stub):
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=314159)], payload=payload(271828)
    )
    call = test_stub.FullDuplexCall(iter([request]), metadata=[ECHO_INITIAL, ECHO_TRAILING], timeout=10)
    sizes = [len(r.payload.body) for r in call]
    assert sizes == [314159], f"response sizes {sizes}"
    _assert_echoed(call.initial_metadata(), call.trailing_metadata())


def test_custom_metadata_with_error_status(test_stub):
    """The trailing echo must also travel with an error status."""
    request = M.SimpleRequest(response_status=M.EchoStatus(code=3, message="bad argument"))
    with pytest.raises(grpc.RpcError) as info:
        test_stub.UnaryCall(request, metadata=[ECHO_INITIAL, ECHO_TRAILING], timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    trailing = list(info.value.trailing_metadata() or [])
    assert ECHO_TRAILING in trailing, f"trailing echo missing with an error status: {trailing}"


def test_timeout_on_sleeping_server(test_stub):
    requests = RequestQueue()
    requests.put(M.StreamingOutputCallRequest(payload=payload(27182)))
    call = test_stub.FullDuplexCall(requests, timeout=0.001)
    try:
        with pytest.raises(grpc.RpcError) as info:
            list(call)
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED, (
            f"expected DEADLINE_EXCEEDED, got {info.value.code()}"
        )
    finally:
        requests.close()


def test_deadline_exceeded_on_slow_stream(test_stub):
    """A server stream that would take 5 s, under a 300 ms deadline, ends early with DEADLINE_EXCEEDED."""
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=1, interval_us=1_000_000) for _ in range(5)]
    )
    started = time.monotonic()
    with pytest.raises(grpc.RpcError) as info:
        list(test_stub.StreamingOutputCall(request, timeout=0.3))
    elapsed = time.monotonic() - started
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED, (
        f"expected DEADLINE_EXCEEDED, got {info.value.code()}"
    )
    assert elapsed < 3, f"the call took {elapsed:.1f}s despite a 0.3 s deadline"


def test_cancel_after_begin(test_stub, interop_server):
    for i in range(20):
        requests = RequestQueue()  # never sends anything
        future = test_stub.StreamingInputCall.future(requests, timeout=20)
        try:
            time.sleep(0.01)
            assert future.cancel(), f"iteration {i}: the call could not be cancelled (already done: {future.done()})"
            assert future.cancelled()
            assert future.code() == grpc.StatusCode.CANCELLED, f"iteration {i}: status {future.code()}"
        finally:
            requests.close()
    support.assert_serving(interop_server, "20 calls cancelled right after they began")


def test_cancel_after_first_response(test_stub, interop_server):
    for i in range(10):
        requests = RequestQueue()
        call = test_stub.FullDuplexCall(requests, timeout=20)
        try:
            requests.put(
                M.StreamingOutputCallRequest(
                    response_parameters=[M.ResponseParameters(size=31415)], payload=payload(27182)
                )
            )
            first = next(call)
            assert len(first.payload.body) == 31415
            call.cancel()
            with pytest.raises(grpc.RpcError) as info:
                next(call)
            assert info.value.code() == grpc.StatusCode.CANCELLED, f"iteration {i}: status {info.value.code()}"
        finally:
            requests.close()
    support.assert_serving(interop_server, "10 calls cancelled after their first response")


def test_cancel_during_slow_server_stream(test_stub, interop_server):
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=100, interval_us=200_000) for _ in range(50)]
    )
    call = test_stub.StreamingOutputCall(request, timeout=30)
    first = next(call)
    assert len(first.payload.body) == 100
    call.cancel()
    support.assert_serving(interop_server, "cancelling a slow server stream")


# --------------------------------------------------------------------------------------------------------------------
# Load shapes


def test_many_concurrent_unary_calls_on_one_channel(test_stub):
    n = 200
    futures = [
        test_stub.UnaryCall.future(M.SimpleRequest(response_size=1000 + i, payload=payload(i * 7)), timeout=30)
        for i in range(n)
    ]
    failures = []
    for i, f in enumerate(futures):
        try:
            reply = f.result()
        except grpc.RpcError as exc:
            failures.append(f"#{i}: {exc.code()} {exc.details()}")
            continue
        if len(reply.payload.body) != 1000 + i:
            failures.append(f"#{i}: {len(reply.payload.body)} bytes instead of {1000 + i} (responses crossed?)")
    assert not failures, f"{len(failures)} of {n} concurrent calls went wrong:\n" + "\n".join(failures[:20])


def test_many_concurrent_streams_on_one_channel(test_stub):
    n = 60
    calls = [
        test_stub.StreamingOutputCall(
            M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=i + j) for j in range(5)]),
            timeout=30,
        )
        for i in range(n)
    ]
    results: dict[int, list] = {}

    def drain(i, call):
        results[i] = [len(r.payload.body) for r in call]

    threads = [threading.Thread(target=drain, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    wrong = {i: got for i, got in results.items() if got != [i + j for j in range(5)]}
    assert len(results) == n, f"only {len(results)} of {n} streams finished"
    assert not wrong, f"streams with wrong responses: {dict(list(wrong.items())[:5])}"


@pytest.mark.slow
def test_hundred_mib_server_stream(test_stub):
    count = 100
    request = M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=MiB)] * count)
    started = time.monotonic()
    total = 0
    messages = 0
    for reply in test_stub.StreamingOutputCall(request, timeout=60):
        total += len(reply.payload.body)
        messages += 1
    elapsed = time.monotonic() - started
    assert messages == count, f"received {messages} messages, expected {count}"
    assert total == count * MiB, f"received {total} bytes, expected {count * MiB}"
    assert elapsed < 30, f"100 MiB took {elapsed:.1f}s"


def test_large_client_stream(test_stub):
    """32 requests of 1 MiB up (client streaming): 32 MiB aggregated."""
    reply = test_stub.StreamingInputCall(iter([M.StreamingInputCallRequest(payload=payload(MiB))] * 32), timeout=60)
    assert reply.aggregated_payload_size == 32 * MiB, f"aggregated {reply.aggregated_payload_size}"


# --------------------------------------------------------------------------------------------------------------------
# BenchmarkService


def test_benchmark_unary(interop_channel):
    stub = PB.benchmark_grpc.BenchmarkServiceStub(interop_channel)
    reply = stub.UnaryCall(M.SimpleRequest(response_size=4096, payload=payload(128)), timeout=10)
    assert len(reply.payload.body) == 4096, f"BenchmarkService.UnaryCall payload is {len(reply.payload.body)} bytes"


def test_benchmark_streaming_ping_pong(interop_channel):
    stub = PB.benchmark_grpc.BenchmarkServiceStub(interop_channel)
    requests = RequestQueue()
    call = stub.StreamingCall(requests, timeout=20)
    try:
        for i in range(50):
            requests.put(M.SimpleRequest(response_size=i * 3, payload=payload(i)))
            reply = next(call)
            assert len(reply.payload.body) == i * 3, f"message {i}: {len(reply.payload.body)} bytes, expected {i * 3}"
        requests.close()
        assert list(call) == []
        assert call.code() == grpc.StatusCode.OK, f"StreamingCall ended with {call.code()} {call.details()}"
    finally:
        requests.close()


def test_benchmark_and_test_service_share_a_connection(interop_channel):
    bench = PB.benchmark_grpc.BenchmarkServiceStub(interop_channel)
    test = PB.test_grpc.TestServiceStub(interop_channel)
    futures = []
    for i in range(50):
        futures.append(("bench", i, bench.UnaryCall.future(M.SimpleRequest(response_size=i), timeout=20)))
        futures.append(("test", i, test.UnaryCall.future(M.SimpleRequest(response_size=i + 1), timeout=20)))
    for kind, i, f in futures:
        expected = i if kind == "bench" else i + 1
        assert len(f.result().payload.body) == expected, f"{kind} call {i}: wrong payload size"
