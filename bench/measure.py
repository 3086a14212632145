"""Runs a command and prints "BYTES CPU_SECONDS MAXRSS_KIB": the bytes it
wrote to standard output, its user+system time and its peak resident size
(getrusage of the child). With --null first, its output goes to /dev/null
uncounted (BYTES is -1), so that the count costs the machine nothing while
the command is timed. Used by bench/frames.sh."""
import os
import resource
import subprocess
import sys

args = sys.argv[1:]
discard = args[:1] == ["--null"]
if discard:
    args = args[1:]
child = subprocess.Popen(args, stdout=subprocess.DEVNULL if discard else subprocess.PIPE)
count = -1
if not discard:
    count = 0
    while block := os.read(child.stdout.fileno(), 1 << 20):
        count += len(block)
if child.wait() != 0:
    sys.exit(f"{args} exited with {child.returncode}")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(count, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
