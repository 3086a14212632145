#!/usr/bin/env bash
# Benchmarks fifo wait: CPU used while waiting with many processes alive,
# and how soon wait --exists returns after mkfifo, beside the shell loop
# people write (`until [ -p f ]; do sleep 0.1; done`). Prints Markdown.
#
#   bench/wait.sh                 # 2,000 idle processes, 10 s, 50 rounds
#   WAIT_PROCS=500 WAIT_SECONDS=5 WAIT_ROUNDS=20 bench/wait.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet --bin fifo -p fifo-cli
export FIFO=$PWD/target/release/fifo
export PROCS=${WAIT_PROCS:-2000} SECONDS_=${WAIT_SECONDS:-10} ROUNDS=${WAIT_ROUNDS:-50}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
python3 - <<'PY'
import os, random, statistics, subprocess, time

fifo = os.environ["FIFO"]
procs, seconds, rounds = int(os.environ["PROCS"]), float(os.environ["SECONDS_"]), int(os.environ["ROUNDS"])

def cpu_of(argv):
    """User+system CPU seconds of one command run to its end."""
    proc = subprocess.Popen(argv, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime

# 1. CPU while waiting: a reader never comes, so wait runs for its timeout.
idle = [subprocess.Popen(["sleep", "600"]) for _ in range(procs)]
try:
    os.mkfifo("q", 0o600)
    alive = len(os.listdir("/proc"))
    cpu = cpu_of([fifo, "wait", "--reader", "-t", f"{seconds}s", "q"])
    shell = cpu_of(["bash", "-c", f"end=$((SECONDS+{int(seconds)})); until [ -p never ] || [ $SECONDS -ge $end ]; do sleep 0.1; done"])
finally:
    for p in idle:
        p.kill()
    for p in idle:
        p.wait()
print(f"## fifo wait\n")
print(f"CPU while waiting {seconds:g} s with {procs} extra idle processes ({alive} entries in /proc):\n")
print("| waiter | CPU seconds | share of one core |")
print("|---|---|---|")
print(f"| `fifo wait --reader` (scans /proc) | {cpu:.3f} | {100*cpu/seconds:.2f} % |")
print(f"| `until [ -p f ]; do sleep 0.1; done` | {shell:.3f} | {100*shell/seconds:.2f} % |")

# 2. Latency from mkfifo to the waiter's exit.
def latency(argv, settle=0.0):
    times = []
    for _ in range(rounds):
        try:
            os.unlink("f")
        except FileNotFoundError:
            pass
        proc = subprocess.Popen(argv)
        # Let it start waiting, then make the FIFO at a random moment, so no
        # waiter's polling rhythm lines up with it.
        time.sleep(settle + 0.2 + random.random() * 0.1)
        start = time.monotonic()
        os.mkfifo("f", 0o600)
        proc.wait()
        times.append(time.monotonic() - start)
    return statistics.median(times) * 1000, max(times) * 1000

ours = latency([fifo, "wait", "--exists", "f"])
# After its first second, wait --exists leaves polling for inotify.
ours_long = latency([fifo, "wait", "--exists", "f"], settle=1.0)
loop = latency(["bash", "-c", "until [ -p f ]; do sleep 0.1; done"])
print(f"\nFrom mkfifo to the waiter's exit, {rounds} rounds:\n")
print("| waiter | median ms | max ms |")
print("|---|---|---|")
print(f"| `fifo wait --exists f` (first second: stat every 10 ms) | {ours[0]:.2f} | {ours[1]:.2f} |")
print(f"| `fifo wait --exists f` (after a second: inotify) | {ours_long[0]:.2f} | {ours_long[1]:.2f} |")
print(f"| `until [ -p f ]; do sleep 0.1; done` | {loop[0]:.2f} | {loop[1]:.2f} |")
print(f"\nRatio of medians (loop / fifo): {loop[0]/ours[0]:.1f}x")
PY
