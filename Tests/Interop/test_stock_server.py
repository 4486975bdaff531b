"""Tests/Interop/stock_server.py itself: the Swift test suite uses it as the stock peer of the project's own client,
so it must keep gRPC's interop semantics.  (CYBERPORT_INTEROP_TARGET=stock runs the whole suite against it.)"""

from __future__ import annotations

import subprocess
import sys

import grpc
import pytest
import support
from support import PB, payload

M = PB.messages


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    server = support.start_server("stock_server.py", log_dir=tmp_path_factory.mktemp("logs"), stock=True)
    yield server
    rc = server.stop()
    assert rc == 0, f"stock_server.py exited {rc} after SIGTERM\n{server.describe()}"


@pytest.fixture
def stub(stock):
    with support.channel(stock.port) as ch:
        yield PB.test_grpc.TestServiceStub(ch)


def test_stock_unary_and_metadata_echo(stub):
    reply, call = stub.UnaryCall.with_call(
        M.SimpleRequest(response_size=271828, payload=payload(314159)),
        metadata=[("x-grpc-test-echo-initial", "v"), ("x-grpc-test-echo-trailing-bin", b"\x00\x01")],
        timeout=10,
    )
    assert len(reply.payload.body) == 271828
    assert ("x-grpc-test-echo-initial", "v") in list(call.initial_metadata())
    assert ("x-grpc-test-echo-trailing-bin", b"\x00\x01") in list(call.trailing_metadata())


def test_stock_status_and_streams(stub):
    with pytest.raises(grpc.RpcError) as info:
        stub.UnaryCall(M.SimpleRequest(response_status=M.EchoStatus(code=2, message="test status message")), timeout=10)
    assert (info.value.code(), info.value.details()) == (grpc.StatusCode.UNKNOWN, "test status message")
    sizes = [31415, 9, 2653, 58979]
    got = [
        len(r.payload.body)
        for r in stub.StreamingOutputCall(
            M.StreamingOutputCallRequest(response_parameters=[M.ResponseParameters(size=n) for n in sizes]), timeout=10
        )
    ]
    assert got == sizes
    total = stub.StreamingInputCall(
        iter([M.StreamingInputCallRequest(payload=payload(n)) for n in (27182, 8, 1828, 45904)]), timeout=10
    )
    assert total.aggregated_payload_size == 74922
    with pytest.raises(grpc.RpcError) as info:
        stub.UnimplementedMethod(PB.empty.Empty(), timeout=10)
    assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED


def test_stock_server_port_zero_prints_the_chosen_port(tmp_path):
    """`--port 0` lets the kernel choose; the `listening on HOST:PORT` line names it (what the Swift tests parse)."""
    proc = subprocess.Popen(
        [sys.executable, str(support.STOCK_SERVER), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("listening on 127.0.0.1:"), f"first line: {line!r}"
        port = int(line.rsplit(":", 1)[1])
        with support.channel(port) as ch:
            PB.test_grpc.TestServiceStub(ch).EmptyCall(PB.empty.Empty(), timeout=10)
    finally:
        proc.terminate()
        rc = proc.wait(15)
    assert rc == 0, f"stock_server.py exited {rc} after SIGTERM"
