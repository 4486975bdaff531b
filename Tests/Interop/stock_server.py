#!/usr/bin/env python3
"""A stock gRPC (grpcio) implementation of grpc.testing.TestService, for testing the project's own client.

    python3 Tests/Interop/stock_server.py --port N [--host 127.0.0.1] [--max-receive-message-size BYTES]

Prints one line `listening on HOST:PORT` to stdout once it accepts connections (with --port 0 the line names the port
the kernel chose).  SIGTERM or SIGINT stops it gracefully (in-flight calls get up to --grace seconds) and it exits 0.

Semantics are those of gRPC's interop test server:
  * EmptyCall -> Empty.
  * UnaryCall -> SimpleResponse with a payload of `response_size` zero bytes; a non-zero `response_status.code`
    fails the call with that code and message.
  * A request header `x-grpc-test-echo-initial` is echoed in the response headers and `x-grpc-test-echo-trailing-bin`
    in the trailers (every method).
  * StreamingOutputCall -> one response per `response_parameters` entry (`size` bytes, after `interval_us`), then
    `response_status` if set.
  * StreamingInputCall -> `aggregated_payload_size` = sum of the request payload sizes.
  * FullDuplexCall answers each request at once; HalfDuplexCall reads all requests first, then answers.
  * UnimplementedMethod and grpc.testing.UnimplementedService -> UNIMPLEMENTED.
  * BenchmarkService.UnaryCall / StreamingCall, grpc.health.v1.Health, reflection v1 and v1alpha are served too.

If grpcio is not importable by the running interpreter but the repository's .venv exists, the script re-executes
itself with .venv/bin/python, so `python3 Tests/Interop/stock_server.py` works from the Swift test suite.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]

try:
    import grpc
except ImportError:  # pragma: no cover - exercised only outside the venv
    venv_python = REPO_ROOT / ".venv" / "bin" / "python"
    in_venv = Path(sys.prefix).resolve() == (REPO_ROOT / ".venv").resolve()
    if venv_python.exists() and not in_venv and not os.environ.get("CYBERPORT_STOCK_SERVER_REEXEC"):
        os.environ["CYBERPORT_STOCK_SERVER_REEXEC"] = "1"
        os.execv(str(venv_python), [str(venv_python), str(Path(__file__).resolve()), *sys.argv[1:]])
    sys.stderr.write(
        "stock_server.py: grpcio is not installed; run scripts/test.sh once (it creates .venv) or "
        "`pip install -r Tests/Interop/requirements.txt`\n"
    )
    sys.exit(2)

sys.path.insert(0, str(HERE))
import interop_protos  # noqa: E402

# Only grpc.testing and grpc.reflection.v1 come from the project's protos here: health and reflection v1alpha come
# from grpcio-health-checking / grpcio-reflection, and one process cannot hold both definitions (same message names).
empty_pb2 = interop_protos.load("grpc/testing/empty_pb2")
messages_pb2 = interop_protos.load("grpc/testing/messages_pb2")
test_pb2 = interop_protos.load("grpc/testing/test_pb2")
test_pb2_grpc = interop_protos.load("grpc/testing/test_pb2_grpc")
benchmark_pb2 = interop_protos.load("grpc/testing/benchmark_service_pb2")
benchmark_pb2_grpc = interop_protos.load("grpc/testing/benchmark_service_pb2_grpc")
reflection_v1_pb2 = interop_protos.load("grpc/reflection/v1/reflection_pb2")
reflection_v1_pb2_grpc = interop_protos.load("grpc/reflection/v1/reflection_pb2_grpc")

from grpc_health.v1 import health as grpc_health  # noqa: E402
from grpc_health.v1 import health_pb2 as stock_health_pb2  # noqa: E402
from grpc_health.v1 import health_pb2_grpc as stock_health_pb2_grpc  # noqa: E402
from grpc_reflection.v1alpha import reflection as grpc_reflection  # noqa: E402
from grpc_reflection.v1alpha import reflection_pb2 as stock_reflection_pb2  # noqa: E402

ECHO_INITIAL = "x-grpc-test-echo-initial"
ECHO_TRAILING = "x-grpc-test-echo-trailing-bin"

_STATUS_BY_CODE = {code.value[0]: code for code in grpc.StatusCode}


def _payload(size: int):
    if size < 0:
        raise ValueError(f"negative payload size {size}")
    return messages_pb2.Payload(type=messages_pb2.COMPRESSABLE, body=bytes(size))


def _echo_metadata(context) -> None:
    initial, trailing = [], []
    for key, value in context.invocation_metadata():
        if key == ECHO_INITIAL:
            initial.append((key, value))
        elif key == ECHO_TRAILING:
            trailing.append((key, value))
    if initial:
        context.send_initial_metadata(initial)
    if trailing:
        context.set_trailing_metadata(trailing)


def _abort_if_requested(echo_status, context) -> None:
    if echo_status.code != 0:
        code = _STATUS_BY_CODE.get(echo_status.code, grpc.StatusCode.UNKNOWN)
        context.abort(code, echo_status.message)


def _sleep_us(interval_us: int, context) -> None:
    if interval_us > 0:
        deadline = time.monotonic() + interval_us / 1e6
        while context.is_active():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))


class TestService(test_pb2_grpc.TestServiceServicer):
    def EmptyCall(self, request, context):
        _echo_metadata(context)
        return empty_pb2.Empty()

    def UnaryCall(self, request, context):
        _echo_metadata(context)
        _abort_if_requested(request.response_status, context)
        return messages_pb2.SimpleResponse(payload=_payload(request.response_size))

    def StreamingOutputCall(self, request, context):
        _echo_metadata(context)
        for params in request.response_parameters:
            _sleep_us(params.interval_us, context)
            if not context.is_active():
                return
            yield messages_pb2.StreamingOutputCallResponse(payload=_payload(params.size))
        _abort_if_requested(request.response_status, context)

    def StreamingInputCall(self, request_iterator, context):
        _echo_metadata(context)
        total = sum(len(req.payload.body) for req in request_iterator)
        return messages_pb2.StreamingInputCallResponse(aggregated_payload_size=total)

    def FullDuplexCall(self, request_iterator, context):
        _echo_metadata(context)
        for request in request_iterator:
            _abort_if_requested(request.response_status, context)
            for params in request.response_parameters:
                _sleep_us(params.interval_us, context)
                yield messages_pb2.StreamingOutputCallResponse(payload=_payload(params.size))

    def HalfDuplexCall(self, request_iterator, context):
        _echo_metadata(context)
        requests = list(request_iterator)
        for request in requests:
            _abort_if_requested(request.response_status, context)
            for params in request.response_parameters:
                _sleep_us(params.interval_us, context)
                yield messages_pb2.StreamingOutputCallResponse(payload=_payload(params.size))

    # UnimplementedMethod is deliberately not overridden: the generated base class answers UNIMPLEMENTED.


class BenchmarkService(benchmark_pb2_grpc.BenchmarkServiceServicer):
    def UnaryCall(self, request, context):
        return messages_pb2.SimpleResponse(payload=_payload(request.response_size))

    def StreamingCall(self, request_iterator, context):
        for request in request_iterator:
            yield messages_pb2.SimpleResponse(payload=_payload(request.response_size))


class ReflectionV1(reflection_v1_pb2_grpc.ServerReflectionServicer):
    """grpc.reflection.v1 on top of grpcio-reflection's v1alpha servicer (the two protocols are wire-identical)."""

    def __init__(self, v1alpha_servicer):
        self._v1alpha = v1alpha_servicer

    def ServerReflectionInfo(self, request_iterator, context):
        converted = (
            stock_reflection_pb2.ServerReflectionRequest.FromString(r.SerializeToString()) for r in request_iterator
        )
        for response in self._v1alpha.ServerReflectionInfo(converted, context):
            yield reflection_v1_pb2.ServerReflectionResponse.FromString(response.SerializeToString())


SERVICE_NAMES = (
    test_pb2.DESCRIPTOR.services_by_name["TestService"].full_name,
    benchmark_pb2.DESCRIPTOR.services_by_name["BenchmarkService"].full_name,
    stock_health_pb2.DESCRIPTOR.services_by_name["Health"].full_name,
    reflection_v1_pb2.DESCRIPTOR.services_by_name["ServerReflection"].full_name,
    grpc_reflection.SERVICE_NAME,
)


def build_server(host: str, port: int, max_receive: int, max_streams: int | None, workers: int):
    options = [
        ("grpc.max_receive_message_length", max_receive),
        ("grpc.max_send_message_length", -1),
        ("grpc.so_reuseport", 0),
    ]
    if max_streams is not None:
        options.append(("grpc.max_concurrent_streams", max_streams))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers), options=options)
    test_pb2_grpc.add_TestServiceServicer_to_server(TestService(), server)
    benchmark_pb2_grpc.add_BenchmarkServiceServicer_to_server(BenchmarkService(), server)

    health = grpc_health.HealthServicer()
    for name in ("", *SERVICE_NAMES):
        health.set(name, stock_health_pb2.HealthCheckResponse.SERVING)
    stock_health_pb2_grpc.add_HealthServicer_to_server(health, server)

    grpc_reflection.enable_server_reflection(SERVICE_NAMES, server)
    reflection_v1_pb2_grpc.add_ServerReflectionServicer_to_server(
        ReflectionV1(grpc_reflection.ReflectionServicer(SERVICE_NAMES)), server
    )
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise OSError(f"could not bind {host}:{port}")
    return server, bound


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True, help="0 = let the kernel choose (printed)")
    parser.add_argument("--max-receive-message-size", type=int, default=4 * 1024 * 1024)
    parser.add_argument(
        "--max-concurrent-streams",
        type=int,
        default=None,
        help="SETTINGS_MAX_CONCURRENT_STREAMS (default: grpcio's, unlimited)",
    )
    parser.add_argument("--workers", type=int, default=64, help="handler threads (each call holds one)")
    parser.add_argument("--grace", type=float, default=10.0, help="seconds in-flight calls get on SIGTERM")
    args = parser.parse_args(argv)

    server, port = build_server(
        args.host, args.port, args.max_receive_message_size, args.max_concurrent_streams, args.workers
    )
    stop = threading.Event()
    server.start()
    # Installed after start(): grpcio may install handlers of its own when the server starts.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"listening on {args.host}:{port}", flush=True)
    while not stop.wait(0.5):
        pass
    print("stopping: draining in-flight calls", flush=True)
    server.stop(args.grace).wait()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
