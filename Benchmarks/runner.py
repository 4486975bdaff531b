#!/usr/bin/env python3
"""Benchmark runner: the project's port-interop-server against a stock grpc-swift-2 server, round by round.

Started by Benchmarks/run.sh (which builds everything first); see Benchmarks/README.md. Standard library only.

Each server runs pinned to one core (taskset) under the malloc-counter LD_PRELOAD library; the load generator runs
pinned to another core. For every scenario and round: a short unmeasured warm-up, then counters (server CPU from
/proc/PID/stat, allocations from the malloc-counter file), the measured load, counters again.
Unary scenarios use h2load (per-request latency from its --log-file); streaming scenarios use port-load (StreamingCall
ping-pong, latency from its own histogram).
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MALLOC_MAGIC = 0x4D4C4C4F43434E54

# (kind, connections, streams per connection); the first is the headline scenario.
DEFAULT_SCENARIOS = [
    ("unary", 8, 8),
    ("unary", 1, 1),
    ("unary", 1, 64),
    ("unary", 8, 32),
    ("unary", 1, 256),
    ("streaming", 8, 8),
    ("streaming", 1, 1),
    ("streaming", 1, 64),
    ("streaming", 8, 32),
    ("streaming", 1, 256),
]

OURS = "port"
PEER = "grpc-swift-2"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Servers


@dataclass
class Server:
    name: str
    command: list[str]
    port: int
    counter_file: Path
    log_file: Path
    process: subprocess.Popen | None = None

    def start(self, core: int, preload: Path, pid_file: Path) -> None:
        if port_in_use(self.port):
            raise SystemExit(f"port {self.port} is already in use; pick others with --ports")
        # Only the server gets LD_PRELOAD: `env` sets it for the final exec, so taskset and env are not counted.
        argv = ["taskset", "-c", str(core), "env", f"LD_PRELOAD={preload}",
                f"MALLOC_COUNTER_FILE={self.counter_file}", *self.command]
        self.counter_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(argv, stdout=open(self.log_file, "wb"), stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True)
        with open(pid_file, "a") as pids:
            pids.write(f"{self.process.pid}\n")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited at start (status {self.process.returncode}); "
                                 f"see {self.log_file}:\n{self.log_file.read_text(errors='replace')[-2000:]}")
            if port_in_use(self.port) and self.counters_ready():
                log(f"started {self.name} (pid {self.process.pid}) on 127.0.0.1:{self.port}, core {core}")
                return
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not listen on port {self.port} within 30 s; see {self.log_file}")

    def counters_ready(self) -> bool:
        try:
            magic, pid = struct.unpack_from("<QQ", self.counter_file.read_bytes())
        except (OSError, struct.error):
            return False
        return magic == MALLOC_MAGIC and pid == self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def sample(self, core: int) -> dict:
        """CPU seconds (utime+stime, all threads) and allocation calls so far."""
        pid = self.process.pid
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        utime, stime = int(fields[11]), int(fields[12])
        data = self.counter_file.read_bytes()
        _, _, malloc, calloc, realloc, memalign, frees, total = struct.unpack_from("<8Q", data)
        rss_kib = 0
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
        # Time the server's threads were runnable but waited for the CPU (run-queue delay): a sign that something
        # else ran on the server's core during the round.
        wait_ns = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                wait_ns += int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                pass
        return {"cpu_s": (utime + stime) / CLOCK_TICKS, "utime_s": utime / CLOCK_TICKS, "stime_s": stime / CLOCK_TICKS,
                "allocs": total, "frees": frees, "rss_kib": rss_kib, "wait_s": wait_ns / 1e9,
                "core_busy_s": core_busy_seconds(core), "t": time.monotonic()}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def core_busy_seconds(core: int) -> float:
    """Busy time of one core so far (user, nice, system, irq, softirq, steal from /proc/stat)."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            ticks = [int(x) for x in line.split()[1:]]
            return sum(ticks[i] for i in (0, 1, 2, 5, 6, 7)) / CLOCK_TICKS
    return 0.0


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


# ---------------------------------------------------------------------------------------------------------------
# Load generators


@dataclass
class LoadResult:
    calls: int = 0                # calls completed in the measured run (the req/s numerator)
    server_calls: int = 0         # calls the server completed during the counter window (CPU and alloc denominator)
    seconds: float = 0.0
    errors: int = 0
    p50_us: float | None = None
    p99_us: float | None = None
    mean_us: float | None = None
    note: str = ""
    raw: dict = field(default_factory=dict)


def expected_response_bytes(response_size: int) -> int:
    """gRPC frame (5 bytes) + SimpleResponse{payload{body: response_size bytes}}."""
    def varint_len(value: int) -> int:
        length = 1
        while value >= 0x80:
            value >>= 7
            length += 1
        return length
    if response_size == 0:
        return 5
    inner = 1 + varint_len(response_size) + response_size
    return 5 + 1 + varint_len(inner) + inner


def percentile(sorted_values: list[int], quantile: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return float("nan")
    rank = max(1, int(-(-quantile * len(sorted_values) // 1)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def run_h2load(args, port: int, connections: int, streams: int, seconds: float, body: Path, log_path: Path | None,
               client_core: int) -> LoadResult:
    argv = ["taskset", "-c", str(client_core), "h2load", "-t", "1", "-c", str(connections), "-m", str(streams),
            "-D", f"{int(round(seconds * 1000))}ms", "-d", str(body),
            "-H", "content-type: application/grpc", "-H", "te: trailers"]
    if log_path is not None:
        argv += ["--log-file", str(log_path)]
    argv.append(f"http://127.0.0.1:{port}/grpc.testing.BenchmarkService/UnaryCall")
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    out = completed.stdout
    result = LoadResult(raw={"h2load_exit": completed.returncode})
    finished = re.search(r"finished in ([\d.]+)(m?s)", out)
    requests = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                         r"(\d+) errored, (\d+) timeout", out)
    traffic = re.search(r"traffic: .*?\((\d+)\) data", out)
    if completed.returncode != 0 or not finished or not requests:
        result.errors = 1
        result.note = f"h2load failed (exit {completed.returncode}): {(completed.stderr or out).strip()[-300:]}"
        return result
    result.seconds = float(finished.group(1)) / (1000 if finished.group(2) == "ms" else 1)
    _, started, done, succeeded, failed, errored, timeouts = (int(x) for x in requests.groups())
    result.calls = succeeded
    result.server_calls = done
    result.errors = failed + errored + timeouts
    result.raw.update({"started": started, "done": done, "succeeded": succeeded, "failed": failed,
                       "errored": errored, "timeout": timeouts})
    if traffic and succeeded:
        per_response = int(traffic.group(1)) / succeeded
        result.raw["data_bytes_per_response"] = per_response
        expected = expected_response_bytes(args.response_size)
        if abs(per_response - expected) > 0.5:
            result.note = (f"responses carried {per_response:.1f} data bytes, expected {expected}: "
                           "calls may have failed with a gRPC status (h2load does not read trailers)")
    if log_path is not None and log_path.exists():
        latencies = []
        with open(log_path) as lines:
            for line in lines:
                parts = line.split("\t")
                if len(parts) >= 3 and parts[1] == "200":
                    latencies.append(int(parts[2]))
        latencies.sort()
        if latencies:
            result.p50_us = percentile(latencies, 0.50)
            result.p99_us = percentile(latencies, 0.99)
            result.mean_us = sum(latencies) / len(latencies)
        log_path.unlink()
    return result


def run_port_load(args, port: int, connections: int, streams: int, seconds: float, client_core: int,
                  mode: str = "streaming") -> LoadResult:
    argv = ["taskset", "-c", str(client_core), str(args.port_load), "run", "--target", f"127.0.0.1:{port}",
            "--mode", mode, "--connections", str(connections), "--streams", str(streams),
            "--duration", f"{seconds}", "--request-size", str(args.request_size),
            "--response-size", str(args.response_size), "--json"]
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + 60)
    result = LoadResult(raw={"port_load_exit": completed.returncode})
    try:
        report = json.loads(completed.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        result.errors = 1
        result.note = f"port-load failed (exit {completed.returncode}): {completed.stderr.strip()[-300:]}"
        return result
    result.raw.update(report)
    result.calls = report["calls"]
    result.server_calls = report["calls"] + report["uncounted_calls"] + report["priming_calls"]
    result.seconds = report["duration_s"]
    result.errors = report["errors"] + report["bad_responses"]
    result.p50_us = report["latency_us"]["p50"]
    result.p99_us = report["latency_us"]["p99"]
    result.mean_us = report["latency_us"]["mean"]
    if report.get("first_error"):
        result.note = f"first error: {report['first_error']}"
    return result


# ---------------------------------------------------------------------------------------------------------------
# Rounds


def run_round(args, server: Server, kind: str, connections: int, streams: int, seconds: float, work: Path,
              measured: bool) -> dict | None:
    if not server.alive():
        raise RuntimeError(f"{server.name} is no longer running (exit {server.process.returncode}); "
                           f"see {server.log_file}")
    before = server.sample(args.server_core)
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    if kind == "unary":
        log_path = work / f"h2load-{server.name}.log" if measured else None
        load = run_h2load(args, server.port, connections, streams, seconds, args.body, log_path, args.client_core)
    else:
        load = run_port_load(args, server.port, connections, streams, seconds, args.client_core)
    after = server.sample(args.server_core)
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not measured:
        return None
    client_cpu_s = (children_after.ru_utime + children_after.ru_stime
                    - children_before.ru_utime - children_before.ru_stime)
    wall = after["t"] - before["t"]
    calls = max(load.server_calls, 1)
    cpu_s = after["cpu_s"] - before["cpu_s"]
    return {
        "server": server.name,
        "calls": load.calls,
        "req_per_s": load.calls / load.seconds if load.seconds else 0.0,
        "p50_ms": None if load.p50_us is None else load.p50_us / 1000,
        "p99_ms": None if load.p99_us is None else load.p99_us / 1000,
        "mean_ms": None if load.mean_us is None else load.mean_us / 1000,
        "errors": load.errors,
        "server_cpu_s": cpu_s,
        "server_cpu_util": cpu_s / wall,
        "server_wait_share": (after["wait_s"] - before["wait_s"]) / wall,
        "other_cpu_on_server_core": max(0.0, (after["core_busy_s"] - before["core_busy_s"]) - cpu_s) / wall,
        "client_cpu_util": client_cpu_s / wall,
        "cpu_us_per_call": cpu_s / calls * 1e6,
        "allocs_per_call": (after["allocs"] - before["allocs"]) / calls,
        "rss_mib": after["rss_kib"] / 1024,
        "note": load.note,
        "load": load.raw,
    }


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(rounds: list[dict]) -> dict:
    summary = {}
    for name in (OURS, PEER):
        mine = [r for r in rounds if r["server"] == name]
        if not mine:
            continue
        summary[name] = {key: median([r[key] for r in mine])
                         for key in ("req_per_s", "p50_ms", "p99_ms", "cpu_us_per_call", "allocs_per_call",
                                     "rss_mib", "server_cpu_util", "server_wait_share", "other_cpu_on_server_core",
                                     "client_cpu_util")}
        summary[name]["errors"] = sum(r["errors"] for r in mine)
        summary[name]["rounds"] = len(mine)
    if OURS in summary and PEER in summary:
        summary["ratio"] = {}
        for key in ("req_per_s", "p50_ms", "p99_ms", "cpu_us_per_call", "allocs_per_call", "rss_mib"):
            ours, peer = summary[OURS][key], summary[PEER][key]
            summary["ratio"][key] = ours / peer if ours is not None and peer else None
    return summary


# ---------------------------------------------------------------------------------------------------------------
# Report


def fmt(value, digits=1, suffix=""):
    if value is None:
        return "–"
    if isinstance(value, float) and value != value:
        return "–"
    if abs(value) >= 1000 and digits <= 1:
        return f"{value:,.0f}{suffix}".replace(",", " ")
    return f"{value:.{digits}f}{suffix}"


def pct(value):
    return "–" if value is None else f"{value * 100:.0f} %"


def ratio_text(value, better_high: bool):
    if value is None:
        return "–"
    if better_high:
        return f"{value:.2f}×"
    return f"{value:.3f}× ({1 / value:.1f}× lower)" if value and value < 1 else f"{value:.2f}×"


def scenario_title(kind: str, connections: int, streams: int) -> str:
    what = "unary UnaryCall (h2load)" if kind == "unary" else "streaming StreamingCall ping-pong (port-load)"
    return f"{what}, {connections} connection(s) × {streams} = {connections * streams} in flight"


def environment() -> dict:
    def first(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip().splitlines()[0]
        except Exception:  # noqa: BLE001 — best effort
            return "?"
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    root = Path(__file__).resolve().parent.parent
    commit = first(["git", "-C", str(root), "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "kernel": platform.release(),
        "nghttp2": first(["h2load", "--version"]),
        "libnghttp2": first(["dpkg-query", "-W", "-f", "${Version}", "libnghttp2-14"]),
        "swift": first(["swift", "--version"]),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "load_average_start": os.getloadavg(),
    }


def write_report(args, results: list[dict], env: dict, started: dt.datetime, stem: Path, complete: bool) -> str:
    lines = [f"# Benchmark run {started.strftime('%Y-%m-%d %H:%M:%S')} UTC", ""]
    if not complete:
        lines += ["**Incomplete run** (stopped early; see the notes).", ""]
    lines += [
        f"`port-interop-server` ({OURS}) against stock grpc-swift-2 2.4.3 ({PEER}), alternating round by round. "
        f"Servers pinned to core {args.server_core}, load generator to core {args.client_core}. "
        f"{args.rounds} round(s) of {args.duration:g} s per server and scenario after {args.warmup:g} s of warm-up; "
        f"request payload {args.request_size} B, response_size {args.response_size} B. Medians over rounds; "
        f"ratios are {OURS} ÷ {PEER} from this run.",
        "",
        "| environment | |",
        "| --- | --- |",
        f"| CPU | {env['cpu']} ({env['cores']} cores) |",
        f"| kernel | {env['kernel']} |",
        f"| nghttp2 | {env['nghttp2']} (libnghttp2 {env['libnghttp2']}) |",
        f"| Swift | {env['swift']} |",
        f"| commit | {env['commit']} |",
        f"| load average | start {' '.join(f'{x:.2f}' for x in env['load_average_start'])}, "
        f"end {' '.join(f'{x:.2f}' for x in env.get('load_average_end', (0, 0, 0)))} |",
        "",
        "## Summary (medians)",
        "",
        f"| scenario | {OURS} req/s | {PEER} req/s | req/s ratio | {OURS} p50 / p99 ms | {PEER} p50 / p99 ms "
        f"| {OURS} CPU µs/call | {PEER} CPU µs/call | {OURS} allocs/call | {PEER} allocs/call |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scenario in results:
        s = scenario["summary"]
        o, p, r = s.get(OURS, {}), s.get(PEER, {}), s.get("ratio", {})
        lines.append(
            f"| {scenario['kind']} {scenario['connections']}×{scenario['streams']} "
            f"| {fmt(o.get('req_per_s'))} | {fmt(p.get('req_per_s'))} | {ratio_text(r.get('req_per_s'), True)} "
            f"| {fmt(o.get('p50_ms'), 3)} / {fmt(o.get('p99_ms'), 3)} | {fmt(p.get('p50_ms'), 3)} / {fmt(p.get('p99_ms'), 3)} "
            f"| {fmt(o.get('cpu_us_per_call'), 2)} | {fmt(p.get('cpu_us_per_call'), 2)} "
            f"| {fmt(o.get('allocs_per_call'), 1)} | {fmt(p.get('allocs_per_call'), 1)} |")
    lines.append("")
    for scenario in results:
        lines += [f"## {scenario_title(scenario['kind'], scenario['connections'], scenario['streams'])}", "",
                  "| round | server | req/s | p50 ms | p99 ms | errors | server CPU µs/call | allocs/call "
                  "| server CPU use | other CPU on server core | load gen CPU use | RSS MiB | note |",
                  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in scenario["rounds"]:
            lines.append(
                f"| {r['round']} | {r['server']} | {fmt(r['req_per_s'])} | {fmt(r['p50_ms'], 3)} | {fmt(r['p99_ms'], 3)} "
                f"| {r['errors']} | {fmt(r['cpu_us_per_call'], 2)} | {fmt(r['allocs_per_call'], 1)} "
                f"| {pct(r['server_cpu_util'])} | {pct(r['other_cpu_on_server_core'])} | {pct(r['client_cpu_util'])} "
                f"| {fmt(r['rss_mib'], 1)} | {r['note']} |")
        s = scenario["summary"]
        for name in (OURS, PEER):
            if name in s:
                m = s[name]
                lines.append(
                    f"| median | **{name}** | **{fmt(m['req_per_s'])}** | {fmt(m['p50_ms'], 3)} | {fmt(m['p99_ms'], 3)} "
                    f"| {m['errors']} | **{fmt(m['cpu_us_per_call'], 2)}** | **{fmt(m['allocs_per_call'], 1)}** "
                    f"| {pct(m['server_cpu_util'])} | {pct(m['other_cpu_on_server_core'])} | {pct(m['client_cpu_util'])} "
                    f"| {fmt(m['rss_mib'], 1)} | |")
        if "ratio" in s:
            r = s["ratio"]
            lines.append(
                f"| ratio | {OURS} ÷ {PEER} | {ratio_text(r['req_per_s'], True)} | {ratio_text(r['p50_ms'], False)} "
                f"| {ratio_text(r['p99_ms'], False)} | | {ratio_text(r['cpu_us_per_call'], False)} "
                f"| {ratio_text(r['allocs_per_call'], False)} | | | | {ratio_text(r['rss_mib'], False)} | |")
        if scenario.get("error"):
            lines += ["", f"Stopped: {scenario['error']}"]
        lines.append("")
    lines += [
        "Columns: req/s = calls (unary) or ping-pong messages (streaming) completed ÷ measured seconds; p50/p99 = "
        "client-side latency per call or message; server CPU µs/call = server utime+stime over the round "
        "(/proc/PID/stat, all threads) ÷ calls the server completed; allocs/call = malloc-family calls of the server "
        "over the round ÷ calls; server CPU use = share of one core the server used; other CPU on server core = busy time "
        "of the server's core not spent in the server (other processes, interrupts: noise); load gen CPU use = "
        "CPU of the load generator ÷ wall time (near 100 %: the load generator is the limit); RSS at the end of the "
        "round. "
        "When req/s is near the load generator's ceiling (h2load ≈ 250k/s here, port-load lower), compare CPU and "
        "allocations per call, not req/s. See Benchmarks/README.md.",
        "",
    ]
    text = "\n".join(lines)
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps({
        "started_utc": started.isoformat(), "complete": complete, "environment": env,
        "settings": {"duration_s": args.duration, "warmup_s": args.warmup, "rounds": args.rounds,
                     "request_size": args.request_size, "response_size": args.response_size,
                     "server_core": args.server_core, "client_core": args.client_core,
                     "servers": {OURS: args.ours_command, PEER: args.peer_command}},
        "scenarios": results,
    }, indent=2) + "\n")
    return text


def print_summary(results: list[dict]) -> None:
    print()
    print(f"{'scenario':<16} {'server':<13} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'CPU µs/call':>12} "
          f"{'allocs/call':>12} {'errors':>7}")
    for scenario in results:
        label = f"{scenario['kind']} {scenario['connections']}x{scenario['streams']}"
        s = scenario["summary"]
        for name in (OURS, PEER):
            if name not in s:
                continue
            m = s[name]
            print(f"{label:<16} {name:<13} {fmt(m['req_per_s']):>10} {fmt(m['p50_ms'], 3):>8} {fmt(m['p99_ms'], 3):>8} "
                  f"{fmt(m['cpu_us_per_call'], 2):>12} {fmt(m['allocs_per_call'], 1):>12} {m['errors']:>7}")
            label = ""
        if "ratio" in s:
            r = s["ratio"]
            print(f"{'':<16} {'ratio':<13} {ratio_text(r['req_per_s'], True):>10} {'':>8} {'':>8} "
                  f"{fmt(r['cpu_us_per_call'], 3):>12} {fmt(r['allocs_per_call'], 3):>12}")


# ---------------------------------------------------------------------------------------------------------------


def parse_scenarios(text: str | None) -> list[tuple[str, int, int]]:
    if not text:
        return DEFAULT_SCENARIOS
    scenarios = []
    for item in text.split(","):
        match = re.fullmatch(r"\s*(unary|streaming):(\d+)x(\d+)\s*", item)
        if not match:
            raise SystemExit(f"bad scenario \"{item}\": expected unary:CxS or streaming:CxS")
        scenarios.append((match.group(1), int(match.group(2)), int(match.group(3))))
    return scenarios


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port-server", type=Path, required=True, help="port-interop-server binary")
    parser.add_argument("--peer-server", type=Path, required=True, help="grpc-swift-baseline-server binary")
    parser.add_argument("--port-load", type=Path, required=True, help="port-load binary")
    parser.add_argument("--malloc-counter", type=Path, required=True, help="libmalloc-counter.so")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per round (default 10)")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured seconds before each round (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server and scenario (default 3)")
    parser.add_argument("--scenarios", help="comma-separated kind:CxS, e.g. unary:8x8,streaming:1x64 "
                        "(default: unary and streaming at 8x8, 1x1, 1x64, 8x32, 1x256)")
    parser.add_argument("--request-size", type=int, default=0)
    parser.add_argument("--response-size", type=int, default=16)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--ports", default="50161,50171", help="ports of the two servers (default 50161,50171)")
    parser.add_argument("--max-concurrent-streams", type=int, default=256,
                        help="SETTINGS_MAX_CONCURRENT_STREAMS for both servers (default 256)")
    parser.add_argument("--results-dir", type=Path, required=True)
    parser.add_argument("--pid-file", type=Path, required=True, help="server pids are appended here (for cleanup)")
    args = parser.parse_args()
    if args.duration <= 0 or args.rounds < 1 or args.warmup < 0:
        raise SystemExit("duration must be > 0, rounds >= 1, warmup >= 0")
    scenarios = parse_scenarios(args.scenarios)
    port_ours, port_peer = (int(p) for p in args.ports.split(","))
    threads = "1"

    work = Path(tempfile.mkdtemp(prefix="port-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    args.body = work / "request.bin"
    subprocess.run([str(args.port_load), "request-body", "--request-size", str(args.request_size),
                    "--response-size", str(args.response_size), "--output", str(args.body)], check=True)

    args.ours_command = [str(args.port_server), "--host", "127.0.0.1", "--port", str(port_ours), "--threads", threads,
                         "--log-level", "warning", "--max-concurrent-streams", str(args.max_concurrent_streams),
                         "--shutdown-grace", "1"]
    args.peer_command = [str(args.peer_server), "--host", "127.0.0.1", "--port", str(port_peer), "--threads", threads,
                         "--max-concurrent-streams", str(args.max_concurrent_streams)]
    servers = {
        OURS: Server(OURS, args.ours_command, port_ours, work / "malloc-port.bin", work / "port-server.log"),
        PEER: Server(PEER, args.peer_command, port_peer, work / "malloc-peer.bin", work / "peer-server.log"),
    }

    def stop_all(*_):
        for server in servers.values():
            server.stop()
    atexit.register(stop_all)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda signum, frame: sys.exit(128 + signum))

    env = environment()
    started = dt.datetime.now(dt.timezone.utc)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stem = args.results_dir / started.strftime("%Y-%m-%dT%H%M%SZ")

    for server in servers.values():
        server.start(args.server_core, args.malloc_counter, args.pid_file)
    # Correctness first: each server must answer UnaryCall and StreamingCall with the requested payload.
    for server in servers.values():
        for mode in ("unary", "streaming"):
            check = run_port_load(args, server.port, 1, 1, 0.2, args.client_core, mode=mode)
            if check.errors or check.calls == 0:
                raise SystemExit(f"{server.name} failed the {mode} check: {check.note or check.raw}")
    log(f"both servers answer UnaryCall and StreamingCall; {len(scenarios)} scenario(s) × {args.rounds} round(s) "
        f"× 2 servers × {args.duration:g} s")

    results = []
    complete = True
    try:
        for kind, connections, streams in scenarios:
            scenario = {"kind": kind, "connections": connections, "streams": streams, "rounds": []}
            results.append(scenario)
            log(f"== {scenario_title(kind, connections, streams)}")
            try:
                for round_number in range(1, args.rounds + 1):
                    # Alternate which server goes first: A B, B A, A B, …
                    order = (OURS, PEER) if round_number % 2 == 1 else (PEER, OURS)
                    for name in order:
                        server = servers[name]
                        if args.warmup > 0:
                            run_round(args, server, kind, connections, streams, args.warmup, work, measured=False)
                        row = run_round(args, server, kind, connections, streams, args.duration, work, measured=True)
                        row["round"] = round_number
                        scenario["rounds"].append(row)
                        log(f"   round {round_number} {name:<13} {row['req_per_s']:>10.0f} req/s  "
                            f"p50 {fmt(row['p50_ms'], 3)} ms  p99 {fmt(row['p99_ms'], 3)} ms  "
                            f"{row['cpu_us_per_call']:.2f} µs CPU/call  {row['allocs_per_call']:.1f} allocs/call  "
                            f"errors {row['errors']}  server CPU {pct(row['server_cpu_util'])}, "
                            f"other on its core {pct(row['other_cpu_on_server_core'])}, "
                            f"load gen {pct(row['client_cpu_util'])}"
                            + (f"  ({row['note']})" if row["note"] else ""))
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                scenario["error"] = str(error)
                complete = False
                log(f"   stopped: {error}")
            scenario["summary"] = summarize(scenario["rounds"])
            if not complete:
                break
    except BaseException:
        complete = False  # interrupted: still write what was measured, marked incomplete
        raise
    finally:
        env["load_average_end"] = os.getloadavg()
        for scenario in results:
            scenario.setdefault("summary", summarize(scenario["rounds"]))
        if results:
            write_report(args, results, env, started, stem, complete)
            log(f"wrote {stem}.md and {stem}.json")
    print_summary(results)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
