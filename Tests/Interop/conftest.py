"""Fixtures of the interop suite: the servers under test run as real processes on free loopback ports."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import support  # noqa: E402
from support import PB  # noqa: E402


def pytest_report_header(config):
    where = (
        "Tests/Interop/stock_server.py (stock self-test)" if support.TARGET == "stock" else "the project's executables"
    )
    bin_dir = os.environ.get("CYBERPORT_BIN_DIR", "(unset: swift build --show-bin-path)")
    return [f"cyberport interop: testing {where}; CYBERPORT_BIN_DIR={bin_dir}"]


def pytest_collection_modifyitems(config, items):
    """In the stock self-test, tests of behaviour grpcio's C-core server does not have are expected to fail (shown as
    xfail/xpass with the reason), so that the self-test checks the rest of the suite."""
    if support.TARGET != "stock":
        return
    for item in items:
        marker = item.get_closest_marker("stock_deviation")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "stock deviation")
            item.add_marker(pytest.mark.xfail(reason=f"grpcio server: {reason}", strict=False))


@pytest.fixture(scope="module")
def interop_server(tmp_path_factory):
    """port-interop-server with default flags, one per test module; stopped (SIGTERM, then SIGKILL) at the end."""
    server = support.start_server("port-interop-server", log_dir=tmp_path_factory.mktemp("logs"))
    yield server
    server.stop()


@pytest.fixture
def server_factory(tmp_path):
    """Starts servers with custom flags for one test; stops them all at the end of the test."""
    started: list[support.ServerProcess] = []

    def start(executable: str = "port-interop-server", extra: list[str] | None = None) -> support.ServerProcess:
        server = support.start_server(executable, extra, log_dir=tmp_path)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def interop_channel(interop_server):
    with support.channel(interop_server.port) as ch:
        yield ch


@pytest.fixture(scope="module")
def test_stub(interop_channel):
    return PB.test_grpc.TestServiceStub(interop_channel)
