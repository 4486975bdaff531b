#!/usr/bin/env bash
# NACCS relay benchmark: sends per second through the Naccs relay to the NACCS simulator, and p50/p99 time from a
# send to its output being available, at 1 and 16 NACCS credentials. Builds port-naccs-bench (release), runs it,
# writes Benchmarks/results/naccs-<UTC time>.md and prints it.
# See Benchmarks/README.md ("Naccs: sends through the relay").
#
#   Benchmarks/naccs.sh                    # default: SQLite, 3 rounds × 2 phases × (1 s warm-up + 6 s) ≈ 1 minute
#   Benchmarks/naccs.sh --quick            # smoke run: 1 round of 2-second phases
#   Benchmarks/naccs.sh --postgres         # on the local PostgreSQL (scripts/postgres-test-db.sh starts it)
#   Benchmarks/naccs.sh --skip-build --latency-ms 50 --depth 2 --credentials 1,4,16
#
# With CYBERPORT_TEST_POSTGRES_URL set the tool runs on PostgreSQL unless given --sqlite. Other flags go to
# port-naccs-bench (--help). BENCH_SCRATCH sets the build directory (default .build-bench).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${BENCH_SCRATCH:-$root/.build-bench}"

build=1
postgres=0
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) build=0 ;;
        --quick) args+=(--duration 2 --warmup 0.5 --rounds 1) ;;
        --postgres) postgres=1 ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1") ;;
    esac
    shift
done

command -v swift > /dev/null || { echo "naccs.sh: swift is missing" >&2; exit 1; }

if [[ "$postgres" == 1 ]]; then
    # shellcheck source=../scripts/postgres-test-db.sh
    source "$root/scripts/postgres-test-db.sh" || { echo "naccs.sh: no local PostgreSQL" >&2; exit 1; }
    args=(--postgres-url "$CYBERPORT_TEST_POSTGRES_URL" "${args[@]}")
fi

if [[ "$build" == 1 ]]; then
    echo "== building port-naccs-bench (release, $scratch)" >&2
    swift build -c release --package-path "$root" --scratch-path "$scratch" --product port-naccs-bench >&2
fi
bin="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)"
[[ -x "$bin/port-naccs-bench" ]] || { echo "naccs.sh: $bin/port-naccs-bench is missing; run without --skip-build" >&2; exit 1; }

commit="$(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)"
if [[ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$root" status --porcelain 2> /dev/null | head -n1)" ]]; then commit="$commit + uncommitted changes"; fi
toolchain="$(swift --version 2> /dev/null | head -n1)"

# The SQLite databases live in a directory of this script's, removed however the run ends (PostgreSQL schemas are
# dropped by the tool itself).
work="$(mktemp -d /tmp/port-naccs-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (results are steadier below 1)" >&2
"$bin/port-naccs-bench" --results-dir "$here/results" --work-dir "$work" --commit "$commit" \
    --toolchain "$toolchain" "${args[@]}"
