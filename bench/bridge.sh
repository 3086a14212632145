#!/usr/bin/env bash
# Benchmarks fifo bridge over TCP on loopback beside socat -u at both ends,
# between the same FIFOs (a writer cat into SRC, a reader cat out of DST),
# in interleaved rounds; and the peak RSS of each bridge process beside
# its replay buffer. As root with sshd, also ssh:127.0.0.1 beside
# `ssh host 'cat > FIFO'`, both with the aes128-gcm cipher, through an sshd
# of its own. Prints Markdown.
#
#   bench/bridge.sh                       # 512 MiB, 5 rounds
#   BYTES=$((128 << 20)) ROUNDS=3 bench/bridge.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BYTES=${BYTES:-$((512 << 20))}
export ROUNDS=${ROUNDS:-5} BYTES
source bench/common.sh
export FIFO T SSH_CMD=
if [ "$(id -u)" = 0 ] && [ -x /usr/sbin/sshd ]; then
    source tests/scripts/sshd.bash
    mkdir "$T/sshd"
    chmod 755 "$T"
    start_sshd "$T/sshd" "127.0.0.1:$((20000 + $$ % 20000))"
    trap 'kill "$SSHD_PID"; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"' EXIT
    SSH_CMD="${SSH[*]} -c aes128-gcm@openssh.com"
fi
cd "$T"
python3 - <<'PY'
import os, socket, statistics, subprocess, time

fifo, size, rounds = os.environ["FIFO"], int(os.environ["BYTES"]), int(os.environ["ROUNDS"])

def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port

def run(kind):
    for name in ("src", "dst"):
        if os.path.exists(name):
            os.unlink(name)
        os.mkfifo(name, 0o600)
    port = free_port()
    ssh = os.environ["SSH_CMD"].split()
    if kind == "fifo ssh:":
        receiver = None
        sender = [fifo, "bridge", "--once", "--ssh", " ".join(ssh), "--remote-fifo", fifo, "src",
                  f"ssh:root@127.0.0.1:{os.getcwd()}/dst"]
    elif kind == "ssh 'cat > FIFO'":
        receiver = None
        sender = ["sh", "-c", f"exec {' '.join(ssh)} root@127.0.0.1 'cat > {os.getcwd()}/dst' < src"]
    elif kind == "fifo":
        receiver = [fifo, "bridge", f"tcp-listen:{port}", "dst"]
        sender = [fifo, "bridge", "--once", "src", f"tcp:127.0.0.1:{port}"]
    else:
        receiver = ["socat", "-u", f"TCP-LISTEN:{port},reuseaddr", "OPEN:dst"]
        sender = ["socat", "-u", "OPEN:src", f"TCP:127.0.0.1:{port},retry=100,interval=0.01"]
    reader = subprocess.Popen(["cat", "dst"], stdout=subprocess.DEVNULL)
    rx = subprocess.Popen(receiver or ["true"])
    if kind == "socat":
        time.sleep(0.2)
    tx = subprocess.Popen(sender)
    start = time.monotonic()
    subprocess.run(["sh", "-c", "cat data > src"], check=True)
    reader.wait()
    elapsed = time.monotonic() - start
    rss = []
    for proc in (tx, rx):
        _, status, usage = os.wait4(proc.pid, 0)
        assert status == 0, (kind, status)
        rss.append(usage.ru_maxrss)
    return size / elapsed / 1e6, rss

kinds = ["fifo", "socat"]
if os.environ["SSH_CMD"]:
    kinds += ["fifo ssh:", "ssh 'cat > FIFO'"]
results = {kind: [] for kind in kinds}
rss = {kind: [] for kind in kinds}
for _ in range(rounds):
    for kind in kinds:
        rate, peak = run(kind)
        results[kind].append(rate)
        rss[kind].append(peak)
med = {kind: statistics.median(rates) for kind, rates in results.items()}
print(f"## fifo bridge over TCP loopback beside socat -u ({size >> 20} MiB, {rounds} interleaved rounds)\n")
print("| tool | median MB/s | runs | peak RSS sender / receiver (KiB) |")
print("|---|---:|---|---|")
for kind in kinds:
    runs = ", ".join(f"{r:.0f}" for r in results[kind])
    print(f"| {kind} | {med[kind]:.0f} | {runs} | {max(p[0] for p in rss[kind])} / {max(p[1] for p in rss[kind])} |")
print(f"\nfifo bridge / socat: {med['fifo'] / med['socat']:.2f}x (replay buffer 16 MiB)")
if os.environ["SSH_CMD"]:
    ratio = med["fifo ssh:"] / med["ssh 'cat > FIFO'"]
    print(f"fifo bridge ssh: / ssh 'cat > FIFO': {ratio:.2f}x (aes128-gcm)")
PY
