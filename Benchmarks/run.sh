#!/usr/bin/env bash
# Benchmark suite: port-interop-server against a stock grpc-swift-2 server, alternating round by round.
# Builds both servers and the tools in release mode, runs the scenarios, writes Benchmarks/results/<UTC time>.md and
# .json, and prints the summary. See Benchmarks/README.md.
#
#   Benchmarks/run.sh                       # full run: 10 scenarios × 3 rounds × 2 servers × 10 s (~15 minutes)
#   Benchmarks/run.sh --quick               # smoke run: 1-second rounds, 1 round, no warm-up
#   Benchmarks/run.sh --duration 5 --rounds 5 --scenarios unary:8x8,streaming:1x64
#   Benchmarks/run.sh --skip-build          # reuse the last builds
#
# Other flags go to Benchmarks/runner.py (--warmup, --request-size, --response-size, --server-core, --client-core,
# --ports, --max-concurrent-streams).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
scratch="${BENCH_SCRATCH:-$root/.build-bench}"
baseline_scratch="${BENCH_BASELINE_SCRATCH:-$root/.build-bench-baseline}"

build=1
runner_args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --skip-build) build=0 ;;
        --quick) runner_args+=(--duration 1 --rounds 1 --warmup 0) ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) runner_args+=("$1") ;;
    esac
    shift
done

for tool in h2load taskset cc python3 swift; do
    command -v "$tool" > /dev/null || { echo "run.sh: $tool is missing (h2load: apt-get install nghttp2-client)" >&2; exit 1; }
done
if [[ "$(nproc)" -lt 2 ]]; then
    echo "run.sh: needs at least 2 cores (server on one, load generator on another)" >&2
    exit 1
fi

work="$(mktemp -d /tmp/port-bench-run.XXXXXX)"
pid_file="$work/pids"
: > "$pid_file"
runner_pid=""
cleanup() {
    local status=$?
    # Stop the runner first (it stops its servers), then anything it started that is still there, by pid.
    if [[ -n "$runner_pid" ]] && kill -0 "$runner_pid" 2> /dev/null; then
        kill -TERM "$runner_pid" 2> /dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$runner_pid" 2> /dev/null || break; sleep 0.5; done
        kill -KILL "$runner_pid" 2> /dev/null || true
    fi
    while read -r pid; do
        [[ -n "$pid" ]] || continue
        if kill -0 "$pid" 2> /dev/null; then
            kill -TERM "$pid" 2> /dev/null || true
            sleep 1
            kill -KILL "$pid" 2> /dev/null || true
        fi
    done < "$pid_file"
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ "$build" == 1 ]]; then
    echo "== building port-interop-server and port-load (release, $scratch)" >&2
    swift build -c release --package-path "$root" --scratch-path "$scratch" --product port-interop-server >&2
    swift build -c release --package-path "$root" --scratch-path "$scratch" --product port-load >&2
    echo "== building grpc-swift-baseline-server (release, $baseline_scratch)" >&2
    swift build -c release --package-path "$here/GRPCSwiftBaseline" --scratch-path "$baseline_scratch" \
        --product grpc-swift-baseline-server >&2
fi
bin="$(swift build -c release --package-path "$root" --scratch-path "$scratch" --show-bin-path)"
baseline_bin="$(swift build -c release --package-path "$here/GRPCSwiftBaseline" --scratch-path "$baseline_scratch" \
    --show-bin-path)"
for binary in "$bin/port-interop-server" "$bin/port-load" "$baseline_bin/grpc-swift-baseline-server"; do
    [[ -x "$binary" ]] || { echo "run.sh: $binary is missing; run without --skip-build" >&2; exit 1; }
done

cc -O2 -Wall -Wextra -fPIC -shared -o "$work/libmalloc-counter.so" "$here/malloc-counter/malloc_counter.c"

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) (results are steadier below 1)" >&2
python3 "$here/runner.py" \
    --port-server "$bin/port-interop-server" \
    --peer-server "$baseline_bin/grpc-swift-baseline-server" \
    --port-load "$bin/port-load" \
    --malloc-counter "$work/libmalloc-counter.so" \
    --results-dir "$here/results" \
    --pid-file "$pid_file" \
    "${runner_args[@]}" &
runner_pid=$!
wait "$runner_pid"
