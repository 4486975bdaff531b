#!/usr/bin/env bash
# THE test command: builds the package, runs the whole Swift test suite, then the Python interop suite
# (Tests/Interop) against the built executables. Exits non-zero on any failure.
#
#   scripts/test.sh                 everything
#   scripts/test.sh -k http2 -x     everything, with extra arguments for pytest
#
# Environment: PYTHON (default python3) creates .venv; SKIP_SWIFT_TESTS=1 skips `swift test` (local use only).
# CYBERPORT_TEST_POSTGRES_URL (e.g. from `source scripts/postgres-test-db.sh`, as .ci/run does) adds the PostgreSQL
# runs of the storage and Identity suites; without it they are skipped with a note.
# Exported for the Swift tests: CYBERPORT_PYTHON (the venv's python), CYBERPORT_STOCK_SERVER (stock_server.py),
# CYBERPORT_BIN_DIR (the built executables); PATH starts with .venv/bin.
# Debian packages come from scripts/bootstrap.sh.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
REQUIREMENTS="Tests/Interop/requirements.txt"

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "Python dependencies into .venv (pinned in $REQUIREMENTS)"
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi
want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
stamp="$VENV/.requirements.sha256"
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]] || ! "$VENV/bin/python" -c 'import grpc, grpc_tools, h2, pytest' 2>/dev/null; then
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q --only-binary=:all: -r "$REQUIREMENTS"
  echo "$want" > "$stamp"
else
  echo "already installed"
fi
"$VENV/bin/python" --version
# stock_server.py (started by the Swift tests as `python3 ...`) needs grpcio: the venv comes first on PATH.
export PATH="$VENV/bin:$PATH"
export CYBERPORT_PYTHON="$VENV/bin/python"
export CYBERPORT_STOCK_SERVER="$ROOT/Tests/Interop/stock_server.py"

step "swift build (all products and the test targets, in one build)"
swift --version 2>&1 | head -n 1
swift build --build-tests
BIN_DIR="$(swift build --show-bin-path)"
export CYBERPORT_BIN_DIR="$BIN_DIR"
echo "executables in $BIN_DIR"

if [[ "${SKIP_SWIFT_TESTS:-0}" == "1" ]]; then
  step "swift test: SKIPPED because SKIP_SWIFT_TESTS=1"
else
  # One process per test target, one after the other: every target's suites run in parallel inside their process,
  # but the targets do not compete with each other for the two cores (the in-process services of one target would
  # otherwise starve another's time limits). A target that does not finish within SWIFT_TEST_TARGET_TIMEOUT seconds
  # (a hang) fails the run instead of blocking it.
  step "swift test (every test target in its own process)"
  mapfile -t targets < <(swift test --skip-build list 2>/dev/null | sed -n 's/^\([A-Za-z0-9_]*\)\..*/\1/p' | sort -u)
  [[ ${#targets[@]} -gt 0 ]] || { echo "swift test list found no tests" >&2; exit 1; }
  failed=()
  for target in "${targets[@]}"; do
    printf '\n--> %s (%d s so far)\n' "$target" "$((SECONDS - started))"
    if ! timeout --signal=KILL "${SWIFT_TEST_TARGET_TIMEOUT:-1200}" swift test --skip-build --filter "^$target\\."; then
      failed+=("$target")
    fi
  done
  if [[ ${#failed[@]} -gt 0 ]]; then
    echo "swift test failed in: ${failed[*]}" >&2
    exit 1
  fi
fi

step "pytest Tests/Interop (stock grpcio client, raw HTTP/2) against $BIN_DIR ($((SECONDS - started)) s so far)"
# Last on purpose: pytest's summary line closes the output.
python -m pytest Tests/Interop -q "$@"
