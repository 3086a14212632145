"""Runs a command, counts the bytes it writes to standard output, and prints
"BYTES CPU_SECONDS MAXRSS_KIB": the command's user+system time and peak
resident size (getrusage of the child). Used by bench/frames.sh."""
import os
import resource
import subprocess
import sys

child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
count = 0
while block := os.read(child.stdout.fileno(), 1 << 20):
    count += len(block)
if child.wait() != 0:
    sys.exit(f"{sys.argv[1:]} exited with {child.returncode}")
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(count, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
