"""Shared helpers of the interop suite: the compiled protos, starting/stopping the servers under test, channels.

Environment:
  CYBERPORT_BIN_DIR          directory holding the SwiftPM executables; default: `swift build --show-bin-path`.
  CYBERPORT_INTEROP_TARGET   `swift` (default) tests the project's executables.  `stock` runs the suite against
                             Tests/Interop/stock_server.py (grpcio) instead of port-interop-server, to check the tests
                             themselves; tests that need the project's other executables or flags are then *skipped
                             with a reason* (never silently).
  CYBERPORT_STARTUP_TIMEOUT  seconds a server gets to report SERVING (default 60).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import grpc
import interop_protos
import pytest

HERE = Path(__file__).resolve().parent
REPO_ROOT = interop_protos.REPO_ROOT
STOCK_SERVER = HERE / "stock_server.py"

MiB = 1024 * 1024
DEFAULT_MAX_RECEIVE = 4 * MiB
STARTUP_TIMEOUT = float(os.environ.get("CYBERPORT_STARTUP_TIMEOUT", "60"))
TARGET = os.environ.get("CYBERPORT_INTEROP_TARGET", "swift").strip().lower()
if TARGET not in ("swift", "stock"):
    raise RuntimeError(f"CYBERPORT_INTEROP_TARGET must be 'swift' or 'stock', not {TARGET!r}")


class PB:
    """The project's generated modules (compiled from Protos/ at import time)."""

    empty = interop_protos.load("grpc/testing/empty_pb2")
    messages = interop_protos.load("grpc/testing/messages_pb2")
    test = interop_protos.load("grpc/testing/test_pb2")
    test_grpc = interop_protos.load("grpc/testing/test_pb2_grpc")
    benchmark = interop_protos.load("grpc/testing/benchmark_service_pb2")
    benchmark_grpc = interop_protos.load("grpc/testing/benchmark_service_pb2_grpc")
    health = interop_protos.load("grpc/health/v1/health_pb2")
    health_grpc = interop_protos.load("grpc/health/v1/health_pb2_grpc")
    reflection_v1 = interop_protos.load("grpc/reflection/v1/reflection_pb2")
    reflection_v1_grpc = interop_protos.load("grpc/reflection/v1/reflection_pb2_grpc")
    reflection_v1alpha = interop_protos.load("grpc/reflection/v1alpha/reflection_pb2")
    reflection_v1alpha_grpc = interop_protos.load("grpc/reflection/v1alpha/reflection_pb2_grpc")
    identity = interop_protos.load("cyberport/identity/v1/identity_pb2")
    identity_grpc = interop_protos.load("cyberport/identity/v1/identity_pb2_grpc")
    deals = interop_protos.load("cyberport/deals/v1/deals_pb2")
    deals_grpc = interop_protos.load("cyberport/deals/v1/deals_pb2_grpc")
    # The other Deals files, so that their services are in the default descriptor pool too.
    deals_others = [
        interop_protos.load(f"cyberport/deals/v1/{name}_pb2") for name in ("forms", "timeline", "movements")
    ]
    naccs = interop_protos.load("cyberport/naccs/v1/naccs_pb2")
    naccs_grpc = interop_protos.load("cyberport/naccs/v1/naccs_pb2_grpc")
    # The other Naccs files, so that their services are in the default descriptor pool too.
    naccs_others = [interop_protos.load(f"cyberport/naccs/v1/{name}_pb2") for name in ("credentials", "relay")]
    stats = interop_protos.load("cyberport/stats/v1/tables_pb2")
    stats_grpc = interop_protos.load("cyberport/stats/v1/tables_pb2_grpc")
    # The other Stats files, so that their services are in the default descriptor pool too.
    stats_others = [
        interop_protos.load(f"cyberport/stats/v1/{name}_pb2")
        for name in ("ports", "port_calls", "survey", "facilities", "inspections")
    ]


def payload(size: int):
    return PB.messages.Payload(type=PB.messages.COMPRESSABLE, body=bytes(size))


# --------------------------------------------------------------------------------------------------------------------
# Executables


@lru_cache(maxsize=1)
def bin_dir() -> Path:
    env = os.environ.get("CYBERPORT_BIN_DIR")
    if env:
        return Path(env)
    swift = shutil.which("swift")
    if swift is None:
        pytest.fail(
            "CYBERPORT_BIN_DIR is not set and `swift` is not on PATH, so the server executables cannot be found. "
            "Build with `swift build` and set CYBERPORT_BIN_DIR=$(swift build --show-bin-path).",
            pytrace=False,
        )
    out = subprocess.run(
        [swift, "build", "--show-bin-path"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    if out.returncode != 0:
        pytest.fail(f"`swift build --show-bin-path` failed:\n{out.stdout}\n{out.stderr}", pytrace=False)
    return Path(out.stdout.strip().splitlines()[-1])


def server_argv(executable: str, port: int, extra: list[str]) -> list[str]:
    """The command line that starts `executable` on 127.0.0.1:port."""
    if TARGET == "stock":
        if executable != "port-interop-server":
            pytest.skip(
                f"CYBERPORT_INTEROP_TARGET=stock: the stock self-test has no stand-in for {executable}; "
                "run without CYBERPORT_INTEROP_TARGET to test the project's executables"
            )
        return stock_server_argv(port, extra)
    path = bin_dir() / executable
    if not path.exists():
        pytest.fail(
            f"server executable {path} does not exist. Build it first (`swift build`), or point CYBERPORT_BIN_DIR at "
            "the directory that holds it.",
            pytrace=False,
        )
    return [str(path), "--host", "127.0.0.1", "--port", str(port), *extra]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def channel(port: int, **options) -> grpc.Channel:
    opts = {
        "grpc.enable_http_proxy": 0,
        "grpc.max_receive_message_length": 16 * MiB,
        "grpc.max_send_message_length": -1,
        # A fresh connection per channel object, so that tests about connections really open new ones.
        "grpc.use_local_subchannel_pool": 1,
    }
    opts.update(options)
    return grpc.insecure_channel(f"127.0.0.1:{port}", options=list(opts.items()))


def _die_with_parent_prefix() -> list[str]:
    """A command prefix that SIGKILLs the server if the test process dies (a pytest crash must not leave servers).

    util-linux's setpriv sets PR_SET_PDEATHSIG and execs the server. (A `preexec_fn` calling prctl through ctypes did
    the same, but Python code between fork and exec can deadlock in a process with threads, such as grpcio's.)
    """
    setpriv = shutil.which("setpriv")
    return [setpriv, "--pdeathsig", "KILL", "--"] if setpriv else []


@dataclass
class ServerProcess:
    executable: str
    argv: list[str]
    port: int
    log_path: Path
    proc: subprocess.Popen | None = None
    _log_file: object = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        # Each server runs in a fresh directory of its own, so that its default ./data/<service> starts empty and
        # nothing is written into the work tree.
        workdir = self.log_path.with_suffix(".cwd")
        workdir.mkdir(parents=True, exist_ok=True)
        self._log_file = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            _die_with_parent_prefix() + self.argv,
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self, limit: int = 8000) -> str:
        try:
            data = self.log_path.read_bytes()
        except OSError as exc:
            return f"<no output: {exc}>"
        text = data.decode("utf-8", "replace")
        return text if len(text) <= limit else "...\n" + text[-limit:]

    def describe(self) -> str:
        rc = None if self.proc is None else self.proc.poll()
        state = "running" if rc is None else f"exited with {rc}"
        command = " ".join(self.argv)
        return f"{self.executable} on {self.address} ({state}); command: {command}\n--- its output ---\n{self.output()}"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Waits for the `listening` line and a SERVING health check; fails the test with the server's output."""
        deadline = time.monotonic() + timeout
        last_error = "no health check attempted yet"
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerStartError(f"server exited before it was ready:\n{self.describe()}")
            if "listening" in self.output(limit=1 << 20).lower():
                try:
                    with channel(self.port) as ch:
                        reply = PB.health_grpc.HealthStub(ch).Check(PB.health.HealthCheckRequest(service=""), timeout=2)
                    if reply.status == PB.health.HealthCheckResponse.SERVING:
                        return
                    last_error = (
                        f"health check answered {PB.health.HealthCheckResponse.ServingStatus.Name(reply.status)}"
                    )
                except grpc.RpcError as exc:
                    last_error = f"health check failed: {exc.code()} {exc.details()}"
            time.sleep(0.1)
        raise ServerStartError(
            f"server was not ready (a `listening` line and health SERVING) within {timeout:.0f}s; last: {last_error}\n"
            f"{self.describe()}"
        )

    def terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit code."""
        rc = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(grace)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
            rc = self.proc.returncode
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        return rc


class ServerStartError(Exception):
    pass


def stock_server_argv(port: int, extra: list[str]) -> list[str]:
    return [sys.executable, str(STOCK_SERVER), "--host", "127.0.0.1", "--port", str(port), *extra]


_shared_identity: ServerProcess | None = None


def shared_identity() -> ServerProcess:
    """One cyberport-identity for the whole session (started on first use, stopped at exit): Deals starts only when
    Identity is reachable (Naccs and Stats too), so every cyberport-deals, cyberport-naccs and cyberport-stats started here
    gets its address."""
    global _shared_identity
    if _shared_identity is None or not _shared_identity.alive():
        _shared_identity = start_server("cyberport-identity")
        atexit.register(_shared_identity.stop)
    return _shared_identity


def start_server(
    executable: str, extra: list[str] | None = None, log_dir: Path | None = None, stock: bool = False
) -> ServerProcess:
    """Starts `executable` on a free loopback port and waits until it is SERVING (a few tries if the port is taken).
    cyberport-deals, cyberport-naccs and cyberport-stats are pointed at the shared Identity unless `extra` names --identity-address.

    stock=True starts Tests/Interop/stock_server.py whatever CYBERPORT_INTEROP_TARGET says."""
    extra = list(extra or [])
    if executable in ("cyberport-deals", "cyberport-naccs", "cyberport-stats") and not stock and TARGET != "stock" and "--identity-address" not in extra:
        extra += ["--identity-address", shared_identity().address]
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="cyberport-interop-logs-"))
    last: ServerStartError | None = None
    for attempt in range(3):
        port = free_port()
        server = ServerProcess(
            executable=executable,
            argv=stock_server_argv(port, extra) if stock else server_argv(executable, port, extra),
            port=port,
            log_path=log_dir / f"{executable}-{port}-{attempt}.log",
        )
        server.start()
        try:
            server.wait_ready()
            return server
        except ServerStartError as exc:
            server.stop(grace=5)
            last = exc
            if "in use" not in server.output().lower():
                break
    pytest.fail(f"could not start {executable}: {last}", pytrace=False)


def assert_serving(server: ServerProcess, context: str = "") -> None:
    """The check after every abuse test: the process is alive and a fresh stock client gets real answers."""
    prefix = f"after {context}: " if context else ""
    assert server.alive(), f"{prefix}the server process is gone.\n{server.describe()}"
    with channel(server.port) as ch:
        stub = PB.test_grpc.TestServiceStub(ch)
        try:
            stub.EmptyCall(PB.empty.Empty(), timeout=10)
            reply = stub.UnaryCall(PB.messages.SimpleRequest(response_size=1234, payload=payload(321)), timeout=10)
            health = PB.health_grpc.HealthStub(ch).Check(PB.health.HealthCheckRequest(service=""), timeout=10)
        except grpc.RpcError as exc:
            pytest.fail(
                f"{prefix}a normal call on a new connection failed: {exc.code()} {exc.details()}\n{server.describe()}",
                pytrace=False,
            )
    assert len(reply.payload.body) == 1234, f"{prefix}UnaryCall returned {len(reply.payload.body)} bytes, not 1234"
    assert health.status == PB.health.HealthCheckResponse.SERVING, f"{prefix}health is {health.status}, not SERVING"


@contextlib.contextmanager
def running_server(executable: str, extra: list[str] | None = None):
    server = start_server(executable, extra)
    try:
        yield server
    finally:
        server.stop()


def grpc_frame(message: bytes, compressed: bool = False) -> bytes:
    """The gRPC length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length, the message."""
    return bytes([1 if compressed else 0]) + len(message).to_bytes(4, "big") + message
