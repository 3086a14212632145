#!/usr/bin/env bash
# Benchmarks fifo serve and fifo call. Dispatch: N jobs of `true` through
# `fifo serve -j 2` against `xargs -P 2 -n 1 true` on the same input (both
# are bound by process start-up). Round trip: sequential `fifo call q ping`
# against `fifo serve q -- cat`, beside `socat - UNIX-CONNECT:s` against
# `socat UNIX-LISTEN:s,fork EXEC:cat`. Prints Markdown.
#
#   bench/serve.sh                              # 2,000 jobs, 500 round trips
#   SERVE_JOBS=500 SERVE_CALLS=100 bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin fifo -p fifo-cli
export FIFO=$PWD/target/release/fifo
export JOBS=${SERVE_JOBS:-2000} CALLS=${SERVE_CALLS:-500}
command -v socat > /dev/null || { echo "socat is needed" >&2; exit 1; }
T=$(mktemp -d)
trap 'kill $(jobs -p) 2> /dev/null; rm -rf "$T"' EXIT
cd "$T"
python3 - <<'PY'
import os, statistics, subprocess, time

fifo, jobs, calls = os.environ["FIFO"], int(os.environ["JOBS"]), int(os.environ["CALLS"])
lines = "".join(f"{i}\n" for i in range(jobs)).encode()

def timed(argv, **kw):
    start = time.perf_counter()
    subprocess.run(argv, check=True, **kw)
    return time.perf_counter() - start

# 1. Dispatch.
xargs = timed(["xargs", "-P", "2", "-n", "1", "true"], input=lines)
start = time.perf_counter()
server = subprocess.Popen([fifo, "serve", "--create", "-j", "2", "-n", str(jobs), "q", "--", "true"])
subprocess.run([fifo, "wait", "--exists", "-t", "10s", "q"], check=True)
subprocess.run([fifo, "send", "-l", "q"], input=lines, check=True)
server.wait()
serve = time.perf_counter() - start
os.unlink("q")
print("## fifo serve and fifo call (issue 16)\n")
print(f"Dispatch: {jobs} jobs of `true`, 2 at a time:\n")
print("| dispatcher | seconds | jobs/s | vs xargs |")
print("|---|---|---|---|")
print(f"| `xargs -P 2 -n 1 true` | {xargs:.2f} | {jobs/xargs:.0f} | 1.00x |")
print(f"| `fifo serve -j 2 q -- true` | {serve:.2f} | {jobs/serve:.0f} | {xargs/serve:.2f}x |")

# 2. Round trips.
def trips(argv):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        out = subprocess.run(argv, input=b"ping\n", stdout=subprocess.PIPE, check=True).stdout
        times.append(time.perf_counter() - start)
        assert out == b"ping\n", out
    times.sort()
    return statistics.median(times) * 1000, times[int(len(times) * 0.99) - 1] * 1000

server = subprocess.Popen([fifo, "serve", "--create", "q", "--", "cat"])
subprocess.run([fifo, "wait", "--exists", "-t", "10s", "q"], check=True)
fifo_times = trips([fifo, "call", "q"])
server.terminate(); server.wait()
sock = subprocess.Popen(["socat", "UNIX-LISTEN:s,fork", "EXEC:cat"])
while not os.path.exists("s"):
    time.sleep(0.01)
socat_times = trips(["socat", "-", "UNIX-CONNECT:s"])
sock.terminate(); sock.wait()
print(f"\nRound trip: {calls} sequential requests of `ping`, each answered by a fresh `cat`:\n")
print("| client / server | median ms | p99 ms |")
print("|---|---|---|")
print(f"| `fifo call q` / `fifo serve q -- cat` | {fifo_times[0]:.2f} | {fifo_times[1]:.2f} |")
print(f"| `socat - UNIX-CONNECT:s` / `socat UNIX-LISTEN:s,fork EXEC:cat` | {socat_times[0]:.2f} | {socat_times[1]:.2f} |")
PY
