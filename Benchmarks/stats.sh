#!/usr/bin/env bash
# Stats benchmark: how long building a year's survey tables takes for a port with 100,000 cargo lines, on SQLite and,
# when a PostgreSQL is available, on PostgreSQL, each against a reference pass over the same lines. Builds
# port-stats-bench (release), runs it, writes Benchmarks/results/stats-<UTC time>.md and prints it.
#
#   Benchmarks/stats.sh                    # default: 100,000 lines, 5 rounds per backend (a few minutes with loading)
#   Benchmarks/stats.sh --quick            # smoke run: 10,000 lines, 2 rounds
#   Benchmarks/stats.sh --skip-build --lines 200000 --rounds 3
#
# PostgreSQL: CYBERPORT_BENCH_POSTGRES_URL, else CYBERPORT_TEST_POSTGRES_URL, else scripts/postgres-test-db.sh is tried
# (it starts the local cluster when there is one); without any, only SQLite runs. Other flags go to port-stats-bench
# (--help). BENCH_SCRATCH sets the build directory (default .build-bench).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${BENCH_SCRATCH:-$root/.build-bench}"

build=1
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) build=0 ;;
        --quick) args+=(--lines 10000 --rounds 2) ;;
        -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1") ;;
    esac
    shift
done

command -v swift > /dev/null || { echo "stats.sh: swift is missing" >&2; exit 1; }

if [[ "$build" == 1 ]]; then
    echo "== building port-stats-bench (release, $scratch)" >&2
    swift build -c release --package-path "$root" --scratch-path "$scratch" --product port-stats-bench >&2
fi
bin="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)"
[[ -x "$bin/port-stats-bench" ]] || { echo "stats.sh: $bin/port-stats-bench is missing; run without --skip-build" >&2; exit 1; }

postgres_url="${CYBERPORT_BENCH_POSTGRES_URL:-${CYBERPORT_TEST_POSTGRES_URL:-}}"
if [[ -z "$postgres_url" && -f "$root/scripts/postgres-test-db.sh" ]]; then
    # shellcheck source=../scripts/postgres-test-db.sh
    if (source "$root/scripts/postgres-test-db.sh" > /dev/null 2>&1); then
        postgres_url="$(source "$root/scripts/postgres-test-db.sh" > /dev/null 2>&1 && echo "${CYBERPORT_TEST_POSTGRES_URL:-}")"
    fi
fi
if [[ -n "$postgres_url" ]]; then
    args+=(--postgres-url "$postgres_url")
else
    echo "== no PostgreSQL available: SQLite only" >&2
fi

commit="$(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)"
if [[ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$root" status --porcelain 2> /dev/null | head -n1)" ]]; then commit="$commit + uncommitted changes"; fi
toolchain="$(swift --version 2> /dev/null | head -n1)"

# The SQLite database lives in a directory of this script's, removed however the run ends.
work="$(mktemp -d /tmp/port-stats-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (results are steadier below 1)" >&2
"$bin/port-stats-bench" --results-dir "$here/results" --work-dir "$work" --commit "$commit" \
    --toolchain "$toolchain" "${args[@]}"
