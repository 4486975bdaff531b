"""Graceful shutdown: SIGTERM lets in-flight calls finish, refuses new connections, and exits 0."""

from __future__ import annotations

import errno
import socket
import threading
import time

import grpc
import pytest
import support
from support import PB

M = PB.messages
GRACE_SECONDS = 15.0  # the longest the suite waits for the process to exit after SIGTERM


def _connect_refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except ConnectionRefusedError:
        return True
    except OSError as exc:
        return exc.errno == errno.ECONNREFUSED


def test_sigterm_drains_in_flight_calls_then_exits_zero(server_factory):
    server = server_factory("port-interop-server")
    count, interval_us = 30, 50_000  # 1.5 s of streaming
    request = M.StreamingOutputCallRequest(
        response_parameters=[M.ResponseParameters(size=100 + i, interval_us=interval_us) for i in range(count)]
    )
    received: list[int] = []
    outcome: dict = {}
    first = threading.Event()

    def stream():
        with support.channel(server.port) as ch:
            call = PB.test_grpc.TestServiceStub(ch).StreamingOutputCall(request, timeout=30)
            try:
                for reply in call:
                    received.append(len(reply.payload.body))
                    first.set()
                outcome["code"] = call.code()
            except grpc.RpcError as exc:
                outcome["code"] = exc.code()
                outcome["details"] = exc.details()
            finally:
                first.set()

    reader = threading.Thread(target=stream, daemon=True)
    reader.start()
    assert first.wait(10), f"the slow stream produced no first response\n{server.describe()}"
    assert len(received) < count, "the stream finished before SIGTERM could be sent; the test needs a slower stream"
    server.terminate()
    signalled = time.monotonic()

    refused_after = None
    while time.monotonic() - signalled < 3:
        if _connect_refused(server.port):
            refused_after = time.monotonic() - signalled
            break
        time.sleep(0.05)
    in_flight_when_refused = reader.is_alive()

    reader.join(30)
    assert not reader.is_alive(), "the in-flight call did not finish within 30 s after SIGTERM"
    assert outcome.get("code") == grpc.StatusCode.OK, (
        f"the in-flight call must complete normally after SIGTERM, got {outcome} after {len(received)} responses\n"
        f"{server.describe()}"
    )
    assert received == [100 + i for i in range(count)], f"in-flight call got {len(received)} of {count} responses"
    assert refused_after is not None, f"new connections were still accepted 3 s after SIGTERM\n{server.describe()}"
    assert in_flight_when_refused, (
        "new connections were refused only after the in-flight call had ended; the listener must close at SIGTERM"
    )

    try:
        rc = server.proc.wait(GRACE_SECONDS)
    except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired; report with the output
        pytest.fail(
            f"the server did not exit within {GRACE_SECONDS:.0f}s of SIGTERM\n{server.describe()}", pytrace=False
        )
    assert rc == 0, f"exit code after SIGTERM is {rc}, expected 0\n{server.describe()}"


@pytest.mark.parametrize(
    "executable", ["port-interop-server", "cyberport-identity", "cyberport-deals", "cyberport-naccs", "cyberport-stats"]
)
def test_sigterm_when_idle_exits_zero_quickly(server_factory, executable):
    server = server_factory(executable)
    with support.channel(server.port) as ch:  # one served call and an open idle connection first
        PB.health_grpc.HealthStub(ch).Check(PB.health.HealthCheckRequest(service=""), timeout=10)
        started = time.monotonic()
        server.terminate()
        try:
            rc = server.proc.wait(GRACE_SECONDS)
        except Exception:  # noqa: BLE001
            pytest.fail(
                f"{executable} did not exit within {GRACE_SECONDS:.0f}s of SIGTERM (an idle client connection "
                f"was open)\n{server.describe()}",
                pytrace=False,
            )
    elapsed = time.monotonic() - started
    assert rc == 0, f"{executable}: exit code after SIGTERM is {rc}, expected 0\n{server.describe()}"
    assert elapsed < 5, f"{executable}: an idle server took {elapsed:.1f}s to stop"
