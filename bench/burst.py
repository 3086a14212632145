"""A bursty producer: copies FILE to standard output in bursts of BURST
bytes, each as fast as the output takes it (splice(2) from the file), with
PAUSE seconds of silence after each, and writes the time it finished
(time.monotonic()) to DONE.

    burst.py FILE BURST PAUSE DONE

PAUSE 0 is one unbroken copy. Used by bench/buffer.sh."""
import os
import sys
import time

path, burst, pause, done = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
src = os.open(path, os.O_RDONLY)
while True:
    left, ended = burst, False
    while left:
        n = os.splice(src, 1, min(left, 1 << 20))
        if n == 0:
            ended = True
            break
        left -= n
    if ended or os.fstat(src).st_size == os.lseek(src, 0, os.SEEK_CUR):
        break
    time.sleep(pause)
with open(done, "w") as out:
    print(time.monotonic(), file=out)
