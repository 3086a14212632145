"""The measurements of bench/limits.sh (read it first): run from an empty
scratch directory with FIFO, WRITER, READER, FANOUT, BYTES, RUNS, PROCS and
CALLS in the environment. Prints a Markdown table of ratios."""

import os
import statistics
import subprocess
import sys
import time

FIFO, WRITER, READER, FANOUT = (os.environ[k] for k in ("FIFO", "WRITER", "READER", "FANOUT"))
BYTES, RUNS, PROCS, CALLS = (int(os.environ[k]) for k in ("BYTES", "RUNS", "PROCS", "CALLS"))
LIMIT = 600


def fresh(*names):
    for name in names:
        if os.path.exists(name):
            os.unlink(name)
        os.mkfifo(name, 0o600)


def check_count(path):
    with open(path) as f:
        got = int(f.read())
    if got != BYTES:
        sys.exit(f"bench/limits.sh: {path} holds {got} bytes, not {BYTES}")


def timed_shell(snippet):
    """Wall seconds of one bash snippet; its counts must all be BYTES."""
    for name in os.listdir("."):
        if name.startswith("count."):
            os.unlink(name)
    fresh("f", "g")
    start = time.perf_counter()
    subprocess.run(["bash", "-c", snippet], check=True, timeout=LIMIT)
    seconds = time.perf_counter() - start
    for name in os.listdir("."):
        if name.startswith("count."):
            check_count(name)
    return seconds


def taking_turns(snippets):
    """Median seconds of each snippet over RUNS rounds, one of each per round."""
    times = [[] for _ in snippets]
    for _ in range(RUNS):
        for i, snippet in enumerate(snippets):
            times[i].append(timed_shell(snippet))
    return [statistics.median(t) for t in times]


def tee():
    readers = '"$READER" f > count.f & "$READER" g > count.g & '
    fifo, ref = taking_turns([
        readers + '"$WRITER" $BYTES | "$FIFO" tee f g | "$READER" > count.o; wait',
        readers + '"$WRITER" $BYTES | "$FANOUT" f g | "$READER" > count.o; wait',
    ])
    return ref / fifo, f"{BYTES / fifo / 1e6:.0f} vs {BYTES / ref / 1e6:.0f} MB/s"


def cat():
    # fifo cat's count comes from a separate checked run: counting in the timed
    # run would add a pipe the reference does not have.
    timed_shell('"$WRITER" $BYTES > f & "$FIFO" cat f | wc -c > count.c; wait')
    fifo, ref = taking_turns([
        '"$WRITER" $BYTES > f & "$FIFO" cat f > /dev/null; wait',
        '"$WRITER" $BYTES > f & "$READER" f > count.r; wait',
    ])
    return ref / fifo, f"{BYTES / fifo / 1e6:.0f} vs {BYTES / ref / 1e6:.0f} MB/s"


def ms_median(argv, n, **kw):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(argv, check=True, timeout=LIMIT, **kw)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def stat():
    fresh("f")
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    crowd = [subprocess.Popen(["sleep", "3600"]) for _ in range(PROCS)]
    holder = subprocess.Popen(["bash", "-c", "exec 7<>f; exec sleep 3600"])
    try:
        # Wait for the holder to hold f: fuser names it then.
        for _ in range(500):
            if subprocess.run(["fuser", "f"], **quiet).returncode == 0:
                break
            time.sleep(0.01)
        rounds = {"fifo": [], "fuser": [], "lsof": []}
        for _ in range(RUNS):
            rounds["fifo"].append(ms_median([FIFO, "stat", "f"], 3, **quiet))
            rounds["fuser"].append(ms_median(["fuser", "f"], 3, **quiet))
            rounds["lsof"].append(ms_median(["lsof", "-nP", "f"], 3, **quiet))
    finally:
        for proc in crowd + [holder]:
            proc.kill()
        for proc in crowd + [holder]:
            proc.wait()
    fifo, fuser, lsof = (statistics.median(rounds[k]) for k in ("fifo", "fuser", "lsof"))
    return fifo / fuser, fifo / lsof, f"{fifo:.1f} vs fuser {fuser:.1f}, lsof {lsof:.1f} ms"


def call():
    quiet = {"stdout": subprocess.DEVNULL}
    server = subprocess.Popen([FIFO, "serve", "--create", "q", "--", "cat"])
    sock = subprocess.Popen(["socat", "UNIX-LISTEN:s,fork", "EXEC:cat"])
    try:
        subprocess.run([FIFO, "wait", "--exists", "-t", "10s", "q"], check=True)
        for _ in range(500):
            if os.path.exists("s"):
                break
            time.sleep(0.01)
        rounds = {"call": [], "floor": [], "socat": []}
        for _ in range(RUNS):
            per = max(CALLS // RUNS, 1)
            rounds["call"].append(ms_median([FIFO, "call", "q", "ping"], per, **quiet))
            spawn = ms_median([FIFO, "--version"], per, **quiet)
            job = ms_median(["cat"], per, input=b"ping\n", **quiet)
            rounds["floor"].append(spawn + job)
            rounds["socat"].append(
                ms_median(["socat", "-", "UNIX-CONNECT:s"], per, input=b"ping\n", **quiet))
    finally:
        for proc in (server, sock):
            proc.terminate()
            proc.wait()
    got, floor, socat = (statistics.median(rounds[k]) for k in ("call", "floor", "socat"))
    return got / floor, got / socat, f"{got:.2f} ms; floor {floor:.2f}, socat {socat:.2f} ms"


def main():
    print("## fifo against the physical limits\n")
    print(f"- machine: {os.cpu_count()} cores, Linux {os.uname().release}; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    print(f"- {BYTES} bytes per transfer, {PROCS} extra processes for stat, "
          f"{CALLS} calls; medians of {RUNS} rounds, programs taking turns")
    print(f"- command: `BENCH_BYTES={BYTES} BENCH_RUNS={RUNS} BENCH_PROCS={PROCS} "
          f"BENCH_CALLS={CALLS} bench/limits.sh`\n")
    print("| path | reference | figures | ratio | target |")
    print("|---|---|---|---|---|")
    ratio, text = tee()
    print(f"| `fifo tee F G` | ref_tee_fanout | {text} | {ratio:.2f}x the reference's speed | >= 0.9x |")
    ratio, text = cat()
    print(f"| `fifo cat F` | ref_splice_reader | {text} | {ratio:.2f}x the reference's speed | >= 0.9x |")
    vs_fuser, vs_lsof, text = stat()
    print(f"| `fifo stat F` | `fuser F`, `lsof -nP F` | {text} | {vs_fuser:.2f}x fuser's time, "
          f"{vs_lsof:.2f}x lsof's | <= 0.35x, <= 0.2x |")
    vs_floor, vs_socat, text = call()
    print(f"| `fifo call` round trip | two process starts; socat | {text} | {vs_floor:.2f}x the floor, "
          f"{vs_socat:.2f}x socat's time | <= 1.5x the floor |")


main()
