#!/usr/bin/env bash
# Identity benchmark: login and access-token verification throughput, each against a reference measured in the same
# run. Builds port-identity-bench (release), runs it, writes Benchmarks/results/identity-<UTC time>.md and prints it.
# See Benchmarks/README.md ("Identity: logins and token verification").
#
#   Benchmarks/identity.sh                 # default: 2 rounds × 7 phases × (1 s warm-up + 10 s) ≈ 3 minutes
#   Benchmarks/identity.sh --quick         # smoke run: 1 round of 2-second phases, 200 tokens
#   Benchmarks/identity.sh --skip-build --password-hash moderate --clients 8 --rounds 3
#
# Other flags go to port-identity-bench (--help). BENCH_SCRATCH sets the build directory (default .build-bench).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${BENCH_SCRATCH:-$root/.build-bench}"

build=1
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) build=0 ;;
        --quick) args+=(--duration 2 --warmup 0.5 --rounds 1 --tokens 200) ;;
        -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) args+=("$1") ;;
    esac
    shift
done

command -v swift > /dev/null || { echo "identity.sh: swift is missing" >&2; exit 1; }

if [[ "$build" == 1 ]]; then
    echo "== building port-identity-bench (release, $scratch)" >&2
    swift build -c release --package-path "$root" --scratch-path "$scratch" --product port-identity-bench >&2
fi
bin="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)"
[[ -x "$bin/port-identity-bench" ]] || { echo "identity.sh: $bin/port-identity-bench is missing; run without --skip-build" >&2; exit 1; }

commit="$(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)"
if [[ -n "$(GIT_OPTIONAL_LOCKS=0 git -C "$root" status --porcelain 2> /dev/null | head -n1)" ]]; then commit="$commit + uncommitted changes"; fi
toolchain="$(swift --version 2> /dev/null | head -n1)"

# The database lives in a directory of this script's, removed however the run ends.
work="$(mktemp -d /tmp/port-identity-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (results are steadier below 1)" >&2
"$bin/port-identity-bench" --results-dir "$here/results" --work-dir "$work" --commit "$commit" \
    --toolchain "$toolchain" "${args[@]}"
