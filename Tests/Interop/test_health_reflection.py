"""grpc.health.v1 and server reflection (v1 and v1alpha) on every executable, with stock grpcio stubs compiled from
the project's protos."""

from __future__ import annotations

import json
import subprocess
import sys

import grpc
import pytest
import support
from google.protobuf import descriptor_pb2, descriptor_pool
from support import PB

# The executables and the application services each must register (in health and in reflection).
SERVERS = {
    "port-interop-server": ["grpc.testing.TestService", "grpc.testing.BenchmarkService"],
    "cyberport-identity": ["cyberport.identity.v1.IdentityService"],
    "cyberport-deals": [
        "cyberport.deals.v1.DealService", "cyberport.deals.v1.FormService", "cyberport.deals.v1.TimelineService",
        "cyberport.deals.v1.ContainerMovementService",
    ],
    "cyberport-naccs": [
        "cyberport.naccs.v1.NaccsService", "cyberport.naccs.v1.NaccsCredentialService", "cyberport.naccs.v1.NaccsRelayService",
    ],
    "cyberport-stats": [
        "cyberport.stats.v1.PortService",
        "cyberport.stats.v1.PortCallService",
        "cyberport.stats.v1.PortSurveyService",
        "cyberport.stats.v1.StatisticalTableService",
        "cyberport.stats.v1.FacilityLedgerService",
        "cyberport.stats.v1.InspectionService",
        "cyberport.stats.v1.AssetQueryService",
    ],
}
HEALTH = "grpc.health.v1.Health"
REFLECTION_VERSIONS = ["v1", "v1alpha"]
Status = PB.health.HealthCheckResponse


@pytest.fixture(scope="module", params=list(SERVERS))
def server(request, tmp_path_factory):
    srv = support.start_server(request.param, log_dir=tmp_path_factory.mktemp("logs"))
    yield srv
    srv.stop()


@pytest.fixture
def ch(server):
    with support.channel(server.port) as channel:
        yield channel


def _services(server) -> list[str]:
    return SERVERS[server.executable]


# --------------------------------------------------------------------------------------------------------------------
# Health


def test_health_check_server_as_a_whole(server, ch):
    reply = PB.health_grpc.HealthStub(ch).Check(PB.health.HealthCheckRequest(service=""), timeout=10)
    assert reply.status == Status.SERVING, (
        f'{server.executable}: Check("") is {Status.ServingStatus.Name(reply.status)}'
    )


def test_health_check_each_registered_service(server, ch):
    stub = PB.health_grpc.HealthStub(ch)
    for name in _services(server):
        reply = stub.Check(PB.health.HealthCheckRequest(service=name), timeout=10)
        assert reply.status == Status.SERVING, (
            f"{server.executable}: Check({name!r}) is {Status.ServingStatus.Name(reply.status)}, expected SERVING"
        )


def test_health_check_unknown_service_is_not_found(server, ch):
    with pytest.raises(grpc.RpcError) as info:
        PB.health_grpc.HealthStub(ch).Check(PB.health.HealthCheckRequest(service="no.such.Service"), timeout=10)
    assert info.value.code() == grpc.StatusCode.NOT_FOUND, (
        f"{server.executable}: Check of an unknown service: expected NOT_FOUND, got {info.value.code()}"
    )


@pytest.mark.parametrize("name", ["", "registered"])
def test_health_watch_receives_serving(server, ch, name):
    service = _services(server)[0] if name == "registered" else ""
    call = PB.health_grpc.HealthStub(ch).Watch(PB.health.HealthCheckRequest(service=service), timeout=10)
    try:
        first = next(call)
    finally:
        call.cancel()
    assert first.status == Status.SERVING, (
        f"{server.executable}: Watch({service!r}) first sent {Status.ServingStatus.Name(first.status)}"
    )


def test_health_watch_unknown_service_is_service_unknown(server, ch):
    call = PB.health_grpc.HealthStub(ch).Watch(PB.health.HealthCheckRequest(service="no.such.Service"), timeout=10)
    try:
        first = next(call)
    finally:
        call.cancel()
    assert first.status == Status.SERVICE_UNKNOWN, (
        f"{server.executable}: Watch of an unknown service first sent {Status.ServingStatus.Name(first.status)}, "
        "expected SERVICE_UNKNOWN"
    )


# --------------------------------------------------------------------------------------------------------------------
# Reflection


def _reflection(version: str):
    return (
        (PB.reflection_v1, PB.reflection_v1_grpc)
        if version == "v1"
        else (PB.reflection_v1alpha, PB.reflection_v1alpha_grpc)
    )


def reflect(ch, version: str, *requests: dict) -> list:
    """Sends the requests on one ServerReflectionInfo stream; returns the responses (one per request, in order)."""
    pb, pb_grpc = _reflection(version)
    msgs = [pb.ServerReflectionRequest(host="", **r) for r in requests]
    responses = list(pb_grpc.ServerReflectionStub(ch).ServerReflectionInfo(iter(msgs), timeout=10))
    assert len(responses) == len(msgs), f"reflection {version}: {len(msgs)} requests got {len(responses)} responses"
    for req, resp in zip(msgs, responses, strict=True):
        assert resp.original_request == req, (
            f"reflection {version}: original_request {resp.original_request} does not echo the request {req}"
        )
    return responses


def _file_descriptors(resp, what: str) -> list:
    kind = resp.WhichOneof("message_response")
    if kind == "error_response":
        pytest.fail(
            f"{what}: error {resp.error_response.error_code} {resp.error_response.error_message!r}", pytrace=False
        )
    assert kind == "file_descriptor_response", f"{what}: expected a file_descriptor_response, got {kind}"
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(b) for b in resp.file_descriptor_response.file_descriptor_proto
    ]
    assert files, f"{what}: the response holds no FileDescriptorProto"
    return files


def load_into_pool(files: list, what: str) -> descriptor_pool.DescriptorPool:
    """Adds the files to a fresh pool in dependency order; fails if a dependency is missing from the response."""
    pool = descriptor_pool.DescriptorPool()
    pending = {f.name: f for f in files}
    added: set[str] = set()
    while pending:
        ready = [f for f in pending.values() if all(d in added for d in f.dependency)]
        if not ready:
            missing = {d for f in pending.values() for d in f.dependency if d not in added and d not in pending}
            pytest.fail(
                f"{what}: cannot load the descriptors; dependencies not in the response: {sorted(missing)} "
                f"(files: {[f.name for f in files]})",
                pytrace=False,
            )
        for f in ready:
            try:
                pool.Add(f)
            except Exception as exc:  # noqa: BLE001 - any failure to load is the finding
                pytest.fail(f"{what}: descriptor_pool rejected {f.name}: {exc}", pytrace=False)
            added.add(f.name)
            del pending[f.name]
    return pool


def _normalize_message(m) -> tuple:
    return (
        m.name,
        tuple(
            (
                f.name,
                f.number,
                f.label,
                f.type,
                f.type_name.lstrip("."),
                f.oneof_index if f.HasField("oneof_index") else None,
            )
            for f in m.field
        ),
        tuple(o.name for o in m.oneof_decl),
        tuple(_normalize_message(n) for n in m.nested_type),
        tuple(_normalize_enum(e) for e in m.enum_type),
        m.options.map_entry,
    )


def _normalize_enum(e) -> tuple:
    return (e.name, tuple((v.name, v.number) for v in e.value))


def normalize_file(f) -> dict:
    """The parts of a FileDescriptorProto that a client depends on (no comments, no source info)."""
    return {
        "name": f.name,
        "package": f.package,
        "syntax": f.syntax or "proto2",
        "dependency": sorted(f.dependency),
        "messages": [_normalize_message(m) for m in f.message_type],
        "enums": [_normalize_enum(e) for e in f.enum_type],
        "services": [
            (
                s.name,
                tuple(
                    (
                        m.name,
                        m.input_type.lstrip("."),
                        m.output_type.lstrip("."),
                        m.client_streaming,
                        m.server_streaming,
                    )
                    for m in s.method
                ),
            )
            for s in f.service
        ],
    }


def local_file_proto(filename: str):
    proto = descriptor_pb2.FileDescriptorProto()
    descriptor_pool.Default().FindFileByName(filename).CopyToProto(proto)
    return proto


@pytest.mark.parametrize("version", REFLECTION_VERSIONS)
def test_reflection_lists_services(server, ch, version):
    (resp,) = reflect(ch, version, {"list_services": ""})
    kind = resp.WhichOneof("message_response")
    assert kind == "list_services_response", f"list_services answered {kind}: {resp}"
    names = [s.name for s in resp.list_services_response.service]
    expected = set(_services(server)) | {HEALTH}
    missing = expected - set(names)
    assert not missing, f"{server.executable}: reflection {version} list_services lacks {sorted(missing)}; got {names}"
    assert len(names) == len(set(names)), f"duplicate service names: {names}"
    assert "grpc.testing.UnimplementedService" not in names, (
        "UnimplementedService is not registered and must not be listed"
    )


@pytest.mark.parametrize("version", REFLECTION_VERSIONS)
def test_reflection_file_containing_service_symbol(server, ch, version):
    for service in _services(server):
        what = f"{server.executable}: reflection {version} file_containing_symbol {service}"
        (resp,) = reflect(ch, version, {"file_containing_symbol": service})
        files = _file_descriptors(resp, what)
        pool = load_into_pool(files, what)
        found = pool.FindServiceByName(service)
        local = descriptor_pool.Default().FindServiceByName(service)
        assert found.file.name == local.file.name, f"{what}: defined in {found.file.name}, expected {local.file.name}"
        for f in files:
            try:
                expected = normalize_file(local_file_proto(f.name))
            except KeyError:
                continue  # a file the local contract does not have (e.g. an extra the server ships)
            assert normalize_file(f) == expected, (
                f"{what}: the descriptor of {f.name} differs from protoc's for the same .proto\n"
                f"server: {normalize_file(f)}\nprotoc: {expected}"
            )
        if service == "grpc.testing.TestService":
            names = {f.name for f in files}
            assert {"grpc/testing/test.proto", "grpc/testing/messages.proto", "grpc/testing/empty.proto"} <= names, (
                f"{what}: the response must carry test.proto and its dependencies; got {sorted(names)}"
            )
            method = found.FindMethodByName("UnaryCall")
            assert method.input_type.full_name == "grpc.testing.SimpleRequest"
            assert method.output_type.full_name == "grpc.testing.SimpleResponse"
            assert (
                pool.FindMessageTypeByName("grpc.testing.StreamingOutputCallRequest")
                .fields_by_name["response_parameters"]
                .number
                == 2
            )


@pytest.mark.parametrize("version", REFLECTION_VERSIONS)
def test_reflection_several_requests_on_one_stream(server, ch, version):
    service = _services(server)[0]
    local = descriptor_pool.Default().FindServiceByName(service)
    method = local.methods[-1]
    message = method.input_type
    responses = reflect(
        ch,
        version,
        {"list_services": ""},
        {"file_by_filename": local.file.name},
        {"file_containing_symbol": message.full_name},
        {"file_containing_symbol": HEALTH},
        {"file_containing_symbol": "no.such.Symbol"},
        {"file_by_filename": "no/such/file.proto"},
    )
    kinds = [r.WhichOneof("message_response") for r in responses]
    assert kinds[0] == "list_services_response", kinds
    for i, label, expected in [
        (1, f"file_by_filename {local.file.name}", local.file.name),
        (2, f"file_containing_symbol {message.full_name} (a message)", message.file.name),
    ]:
        files = _file_descriptors(responses[i], f"{server.executable} {version} {label}")
        assert files[0].name == expected, (
            f"{label}: the first file must be the one that defines it ({expected}), got {[f.name for f in files]}"
        )
        load_into_pool(files, label)
    health_files = _file_descriptors(responses[3], f"{version} file_containing_symbol {HEALTH}")
    # (grpcio-health-checking, behind the stock self-test, names its file grpc_health/v1/health.proto.)
    expected_health = "grpc_health/v1/health.proto" if support.TARGET == "stock" else "grpc/health/v1/health.proto"
    assert health_files[0].name == expected_health, [f.name for f in health_files]
    for i, label in [(4, "unknown symbol"), (5, "unknown file")]:
        resp = responses[i]
        assert resp.WhichOneof("message_response") == "error_response", f"{label}: expected error_response, got {resp}"
        assert resp.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], (
            f"{label}: error_code {resp.error_response.error_code}, expected 5 (NOT_FOUND)"
        )


@pytest.mark.parametrize("version", REFLECTION_VERSIONS)
def test_reflection_file_containing_method_symbol(server, ch, version):
    """grpc-go and grpc C++ resolve method names too (`grpcurl describe pkg.Service.Method` relies on it)."""
    if support.TARGET == "stock":
        pytest.skip("CYBERPORT_INTEROP_TARGET=stock: grpcio-reflection does not resolve method symbols")
    service = descriptor_pool.Default().FindServiceByName(_services(server)[0])
    for method in service.methods:
        what = f"{server.executable}: reflection {version} file_containing_symbol {method.full_name}"
        (resp,) = reflect(ch, version, {"file_containing_symbol": method.full_name})
        files = _file_descriptors(resp, what)
        assert files[0].name == service.file.name, f"{what}: got {[f.name for f in files]}"


_STOCK_REFLECTION_CLIENT = r"""
import json, sys
import grpc
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
channel = grpc.insecure_channel(sys.argv[1], options=[("grpc.enable_http_proxy", 0)])
db = ProtoReflectionDescriptorDatabase(channel)
pool = DescriptorPool(db)
out = {"services": sorted(db.get_services()), "methods": {}}
for name in sys.argv[2:]:
    svc = pool.FindServiceByName(name)
    out["methods"][name] = [[m.name, m.input_type.full_name, m.output_type.full_name] for m in svc.methods]
print(json.dumps(out))
"""


def test_stock_reflection_client_resolves_services(server):
    """grpcio-reflection's own client (what generic tools do): list, then resolve each service and its types.

    It runs in a subprocess because grpcio-reflection's modules cannot share a process with the project's protos.
    """
    services = _services(server)
    out = subprocess.run(
        [sys.executable, "-c", _STOCK_REFLECTION_CLIENT, server.address, *services],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, f"{server.executable}: the stock reflection client failed:\n{out.stdout}\n{out.stderr}"
    result = json.loads(out.stdout)
    assert set(services) <= set(result["services"]), f"listed: {result['services']}"
    for name in services:
        local = descriptor_pool.Default().FindServiceByName(name)
        expected = [[m.name, m.input_type.full_name, m.output_type.full_name] for m in local.methods]
        assert result["methods"][name] == expected, f"{name}: the stock client resolved {result['methods'][name]}"
