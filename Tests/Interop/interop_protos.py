"""Compiles the project's .proto contract (Protos/) with grpcio-tools into a temporary directory at run time.

Used by the pytest suite (conftest.py) and by stock_server.py.  Nothing generated here is committed: the Python side
always tests against the .proto files as they are in the work tree.

Import rules (protobuf keeps one global descriptor pool per process):
  * the test process imports the project's own health and reflection modules, so it must never import the
    grpcio-health-checking / grpcio-reflection packages as well (they define the same message names);
  * stock_server.py does the opposite for health and reflection v1alpha and imports only grpc.testing and
    grpc.reflection.v1 from here.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PROTO_ROOT = REPO_ROOT / "Protos"

_out_dir: Path | None = None


def _grpc_tools_include() -> str:
    import grpc_tools  # noqa: PLC0415 - imported lazily so that a missing package gives a clear error below

    return str(Path(grpc_tools.__file__).resolve().parent / "_proto")


def compile_protos() -> Path:
    """Compiles every .proto under Protos/ once per process; returns the output dir (already on sys.path)."""
    global _out_dir
    if _out_dir is not None:
        return _out_dir
    try:
        from grpc_tools import protoc  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - environment problem, reported loudly
        raise RuntimeError(
            "grpcio-tools is not installed in this Python; run scripts/test.sh (it creates .venv) "
            "or `pip install -r Tests/Interop/requirements.txt`"
        ) from exc

    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    if not protos:
        raise RuntimeError(f"no .proto files found under {PROTO_ROOT}")
    out = Path(tempfile.mkdtemp(prefix="cyberport-interop-pb2-"))
    atexit.register(shutil.rmtree, out, True)
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{_grpc_tools_include()}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        *protos,
    ]
    rc = protoc.main(args)
    if rc != 0:
        raise RuntimeError(f"grpc_tools.protoc failed with exit code {rc} for: {' '.join(args)}")
    # protoc does not write __init__.py files; namespace packages would work, but a `grpc` namespace package would
    # shadow the real grpcio package.  So the generated tree is imported under a private top-level name instead.
    pkg = out / "cyberport_pb"
    pkg.mkdir()
    for child in list(out.iterdir()):
        if child.name != "cyberport_pb":
            shutil.move(str(child), str(pkg / child.name))
    for d in [pkg, *[p for p in pkg.rglob("*") if p.is_dir()]]:
        (d / "__init__.py").touch()
    _rewrite_imports(pkg)
    sys.path.insert(0, str(out))
    _out_dir = out
    return out


def _rewrite_imports(pkg: Path) -> None:
    """Generated modules import each other as `from grpc.testing import messages_pb2`; point them at cyberport_pb.

    Only packages that were generated here are rewritten: `from google.protobuf import any_pb2` keeps importing the
    protobuf runtime's own well-known types, and `import grpc` keeps importing grpcio.
    """
    generated = sorted(
        {".".join(p.parent.relative_to(pkg).parts) for p in pkg.rglob("*_pb2.py")} - {""},
        key=len,
        reverse=True,
    )
    for py in pkg.rglob("*.py"):
        text = py.read_text()
        new = text
        for dotted in generated:
            new = new.replace(f"from {dotted} import ", f"from cyberport_pb.{dotted} import ")
        if new != text:
            py.write_text(new)


def load(module: str):
    """Imports a generated module by its proto path, e.g. load('grpc/testing/test_pb2_grpc')."""
    compile_protos()
    return importlib.import_module("cyberport_pb." + module.replace("/", ".").removesuffix(".py"))


if __name__ == "__main__":  # a quick manual check: python3 Tests/Interop/interop_protos.py
    d = compile_protos()
    for p in sorted((d / "cyberport_pb").rglob("*_pb2*.py")):
        print(p.relative_to(d))
    print(os.path.basename(str(load("grpc/testing/test_pb2").DESCRIPTOR.name)))
