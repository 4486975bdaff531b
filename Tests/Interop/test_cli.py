"""The `cyberport` command-line client against the real servers: reflection listing, descriptions, calls of every
shape with JSON in and out, health, metadata, deadlines and the documented exit codes."""

from __future__ import annotations

import json
import subprocess

import pytest
import support


def cli(port: int, *args: str, stdin: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    path = support.bin_dir() / "cyberport"
    if not path.exists():
        pytest.fail(f"{path} does not exist: build it with `swift build`", pytrace=False)
    return subprocess.run(
        [str(path), *args, "--address", f"127.0.0.1:{port}"],
        input=stdin if stdin is not None else "",
        capture_output=True, text=True, timeout=timeout,
    )


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    server = support.start_server("cyberport-identity", log_dir=tmp_path_factory.mktemp("logs"))
    yield server
    server.stop()


def test_list_services_and_methods(identity):
    listed = cli(identity.port, "list")
    assert listed.returncode == 0, listed.stderr
    services = listed.stdout.split()
    for name in ["cyberport.identity.v1.IdentityService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"]:
        assert name in services, listed.stdout
    methods = cli(identity.port, "list", "cyberport.identity.v1.IdentityService")
    assert methods.returncode == 0, methods.stderr
    assert "ListBusinessTypes" in methods.stdout and "GetBusinessType" in methods.stdout, methods.stdout


def test_describe_a_message(identity):
    described = cli(identity.port, "describe", "cyberport.identity.v1.BusinessType")
    assert described.returncode == 0, described.stderr
    assert "display_name_ja" in described.stdout and "message BusinessType" in described.stdout, described.stdout


def test_unary_call_with_json_paging(identity):
    first = cli(identity.port, "call", "IdentityService/ListBusinessTypes", "--data", '{"pageSize": 5}', "--compact")
    assert first.returncode == 0, first.stderr
    page = json.loads(first.stdout)
    assert [t["id"] for t in page["businessTypes"]] == [1, 2, 3, 4, 5]
    assert page["totalSize"] == 12 and page["nextPageToken"]
    rest = cli(
        identity.port, "call", "IdentityService/ListBusinessTypes", "--compact",
        "--data", json.dumps({"pageSize": 100, "pageToken": page["nextPageToken"]}),
    )
    assert rest.returncode == 0, rest.stderr
    assert [t["key"] for t in json.loads(rest.stdout)["businessTypes"]][-1] == "vgmRegistration"


def test_request_from_stdin_and_not_found_exit_code(identity):
    found = cli(identity.port, "call", "IdentityService/GetBusinessType", stdin='{"name": "businessTypes/customsBroker"}')
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["displayNameJa"] == "通関業者"
    missing = cli(identity.port, "call", "IdentityService/GetBusinessType", "--data", '{"name": "businessTypes/nope"}')
    assert missing.returncode == 5, (missing.returncode, missing.stderr)
    assert "NOT_FOUND" in missing.stderr
    invalid = cli(identity.port, "call", "IdentityService/GetBusinessType", "--data", '{"name": "nope"}')
    assert invalid.returncode == 3 and "INVALID_ARGUMENT" in invalid.stderr, invalid.stderr


def test_bad_json_and_unknown_fields_are_usage_errors(identity):
    bad = cli(identity.port, "call", "IdentityService/ListBusinessTypes", "--data", "{not json")
    assert bad.returncode == 65, (bad.returncode, bad.stderr)
    unknown = cli(identity.port, "call", "IdentityService/ListBusinessTypes", "--data", '{"noSuchField": 1}')
    assert unknown.returncode == 65 and "noSuchField" in unknown.stderr, unknown.stderr


def test_health(identity):
    healthy = cli(identity.port, "health")
    assert healthy.returncode == 0 and "SERVING" in healthy.stdout, (healthy.stdout, healthy.stderr)
    unknown = cli(identity.port, "health", "no.such.Service")
    assert unknown.returncode == 5, (unknown.returncode, unknown.stderr)


def test_unreachable_server_is_unavailable():
    gone = cli(support.free_port(), "list")
    assert gone.returncode == 14 and "UNAVAILABLE" in gone.stderr, (gone.returncode, gone.stderr)


def test_streaming_shapes_metadata_and_deadline(interop_server):
    streamed = cli(
        interop_server.port, "call", "grpc.testing.TestService/StreamingOutputCall", "--compact",
        "--data", '{"responseParameters": [{"size": 3}, {"size": 5}]}',
    )
    assert streamed.returncode == 0, streamed.stderr
    bodies = [json.loads(line)["payload"].get("body", "") for line in streamed.stdout.splitlines()]
    assert bodies == ["AAAA", "AAAAAAA="], streamed.stdout

    uploaded = cli(
        interop_server.port, "call", "grpc.testing.TestService/StreamingInputCall", "--compact",
        stdin='{"payload": {"body": "AAAA"}}\n{"payload": {"body": "AAAAAA=="}}\n',
    )
    assert uploaded.returncode == 0, uploaded.stderr
    assert json.loads(uploaded.stdout)["aggregatedPayloadSize"] == 7

    echoed = cli(
        interop_server.port, "call", "grpc.testing.TestService/UnaryCall", "--verbose",
        "-H", "x-grpc-test-echo-initial:hello", "--data", '{"responseSize": 1}',
    )
    assert echoed.returncode == 0, echoed.stderr
    assert "x-grpc-test-echo-initial" in echoed.stderr and "hello" in echoed.stderr, echoed.stderr

    late = cli(
        interop_server.port, "call", "grpc.testing.TestService/StreamingOutputCall", "--timeout", "100ms",
        "--data", '{"responseParameters": [{"size": 1, "intervalUs": 2000000}]}',
    )
    assert late.returncode == 4 and "DEADLINE_EXCEEDED" in late.stderr, (late.returncode, late.stderr)
