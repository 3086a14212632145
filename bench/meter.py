"""Reads a pipe or FIFO for a window of time and prints what it got.

    meter.py PATH SECONDS          # PATH "-" is stdin

Waits for the first byte, then counts the bytes that arrive within SECONDS
of it (spliced into /dev/null, so the meter costs next to nothing even at
GB/s) and prints "BYTES PACED PACED_SECONDS SECONDS": SECONDS is the
window (less when the input ended first); PACED counts the bytes read after
the last read of the first second (past the writer's start and its burst)
up to the last read in the window, and PACED_SECONDS the time between those
two reads, so that PACED / PACED_SECONDS is the writer's steady pace, not
off by up to a chunk at either end of the window as BYTES / SECONDS is at
slow rates, where a chunk is a tenth of a second's worth.
Bytes that arrive after the window are not counted; the meter then closes
its end, so the writer ends by EPIPE.

    meter.py --stall PATH SECONDS AFTER

Reads for SECONDS while someone stops it (SIGSTOP) and continues it
(SIGCONT) once in between: the writer meanwhile blocks on the full pipe.
Finds the stop as the longest gap between reads, and prints the bytes that
arrived within AFTER seconds of the resumption, and within the AFTER
seconds before the stop: "AFTER_BYTES BEFORE_BYTES GAP_SECONDS".
    meter.py --cpu FILE CMD...

Runs CMD (its output where meter.py's goes) and writes its user+system CPU
seconds and its peak resident size (KiB) to FILE, whatever its exit status (a limiter cut off by the meter
ends by EPIPE).
Used by bench/rate.sh and bench/buffer.sh."""
import os
import resource
import subprocess
import select
import sys
import time

CHUNK = 1 << 20


def opened(path):
    return 0 if path == "-" else os.open(path, os.O_RDONLY)


def count_until(fd, null, deadline):
    """Bytes that arrive before `deadline`, when the last of them came,
    and whether the input ended."""
    got, last = 0, None
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return got, last, False
        if not poller.poll(left * 1000):
            continue
        try:
            n = os.splice(fd, null, CHUNK, flags=os.SPLICE_F_NONBLOCK)
        except BlockingIOError:
            continue
        if n == 0:
            return got, last, True
        got += n
        last = time.monotonic()


def window(path, seconds):
    fd, null = opened(path), os.open("/dev/null", os.O_WRONLY)
    select.select([fd], [], [])
    start = time.monotonic()
    first, paced_from, ended = count_until(fd, null, start + 1)
    rest, last, ended = (0, None, True) if ended else count_until(fd, null, start + seconds)
    elapsed = time.monotonic() - start if ended else seconds
    paced = last - paced_from if last and paced_from else 0
    print(first + rest, rest, f"{paced:.6f}", f"{elapsed:.6f}")


def stall(path, seconds, after):
    fd, null = opened(path), os.open("/dev/null", os.O_WRONLY)
    select.select([fd], [], [])
    deadline = time.monotonic() + seconds
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    reads = []  # (when, bytes) of every splice
    while (left := deadline - time.monotonic()) > 0:
        if not poller.poll(left * 1000):
            continue
        n = os.splice(fd, null, CHUNK)
        if n == 0:
            break
        reads.append((time.monotonic(), n))
    gap, resumed = max((b[0] - a[0], i + 1) for i, (a, b) in enumerate(zip(reads, reads[1:])))
    back, stopped = reads[resumed][0], reads[resumed - 1][0]
    burst = sum(n for t, n in reads if back <= t <= back + after)
    before = sum(n for t, n in reads if stopped - after < t <= stopped)
    print(burst, before, f"{gap:.3f}")


if sys.argv[1] == "--cpu":
    subprocess.call(sys.argv[3:])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(sys.argv[2], "w") as out:
        print(f"{usage.ru_utime + usage.ru_stime:.3f}", usage.ru_maxrss, file=out)
elif sys.argv[1] == "--stall":
    stall(sys.argv[2], *map(float, sys.argv[3:5]))
else:
    window(sys.argv[1], float(sys.argv[2]))
