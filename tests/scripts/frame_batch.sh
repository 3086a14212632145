# fifo send --frame -l gathers short chunks into shared writes and cat
# --frame writes the messages of one read together (writev): 4 concurrent
# writers of records around every size boundary (empty, short, PIPE_BUF/2,
# one chunk's payload, several chunks, longer than a 64 KiB read) arrive each
# once, whole and in each writer's order; also through a slow reader of
# stdout, and with stdout full or closed.
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T

# lines.W: writer W's records, each "W:N:" then filler, one per line, of
# sizes around 0, 2048 (half of PIPE_BUF), 4060 (one chunk's payload) and
# 65536 (a read), and some of several chunks.
cat > make.py <<'PY'
import random, sys
w = sys.argv[1]
random.seed(int(w))
sizes = [0, 1, 2, 100, 2010, 2011, 2012, 2047, 2048, 2049, 4059, 4060, 4061, 8120, 8121,
         65535, 65536, 65537, 200000]
with open(f"lines.{w}", "wb") as out:
    for n in range(4000):
        size = random.choice(sizes) if n % 5 == 0 else random.randint(0, 300)
        out.write(f"{w}:{n}:".encode() + bytes(random.choice(b"abcxyz") for _ in range(size % 97)) * (size // 97 + 1) + b"\n")
PY
# check.py OUT: every writer's records arrived, each exactly once, whole, in
# its writer's order (the messages are NUL-terminated in OUT).
cat > check.py <<'PY'
import sys
messages = open(sys.argv[1], "rb").read().split(b"\0")
assert messages[-1] == b"", "the output ends with a NUL"
got = {}
for message in messages[:-1]:
    got.setdefault(message.split(b":", 1)[0].decode(), []).append(message)
for w in "1234":
    want = open(f"lines.{w}", "rb").read().splitlines(keepends=True)
    assert got.get(w) == want, f"writer {w}: {len(got.get(w, []))} messages, {len(want)} sent, or they differ"
print(sum(len(m) for v in got.values() for m in v))
PY
for w in 1 2 3 4; do python3 make.py "$w"; done
mkfifo q

# send_all: the 4 writers at once, the last through a pipe in pieces of
# random sizes (reads that cut records anywhere).
send_all() {
    local writers=() pid
    for w in 1 2 3; do
        spawn "$F" send --frame -l q < "lines.$w"
        writers+=("$SPAWNED")
    done
    spawn bash -c "python3 -c '
import os, random, sys, time
data = open(\"lines.4\", \"rb\").read()
while data:
    n = random.randint(1, 100000)
    os.write(1, data[:n])
    data = data[n:]
' | '$F' send --frame -l q"
    writers+=("$SPAWNED")
    for pid in "${writers[@]}"; do
        finish "$pid"
        eq 0 "$STATUS" "writer $pid sent its records"
    done
}

# read_all READER: runs the shell command READER, a reader of q, while
# send_all writes; sets STATUS. The script holds the FIFO open itself (-k
# would wait for more writers): a write end on descriptor 3 keeps READER
# from seeing end of file early.
read_all() {
    local reader
    SPAWN_TIMEOUT=60 spawn bash -c "$1"
    reader=$SPAWNED
    blocked_in_open "$reader"
    exec 3> q
    send_all 3>&-
    exec 3>&-
    finish "$reader"
}

read_all "'$F' cat --frame -0 q > out"
eq 0 "$STATUS" "cat --frame -0 ends at end of file"
messages=$(python3 check.py out)
eq "$(cat lines.? | wc -c)" "$messages" "16000 records of 0 to 200 KiB from 4 writers: each once, whole, in order"

# The same into a slow reader of stdout: writes of many messages at once
# wait for room, and go on where they stopped.
read_all "'$F' cat --frame -0 q | python3 -c '
import os, sys, time
while block := os.read(0, 50000):
    os.write(1, block)
    time.sleep(0.001)
' > out"
eq 0 "$STATUS" "cat --frame -0 into a slow reader ends at end of file"
messages=$(python3 check.py out)
eq "$(cat lines.? | wc -c)" "$messages" "through a slow reader too: each once, whole, in order"

# Output that cannot be written: one line on stderr, status 1.
spawn "$F" send --frame -l q < lines.1
expect_fail 1 "fifo cat: standard output: write error: No space left on device" \
    bash -c "exec '$F' cat --frame q > /dev/full"
if linux_only "a stdout closed at start is seen"; then
    spawn "$F" send --frame -l q < lines.1
    expect_fail 1 "fifo cat: standard output: write error: Bad file" \
        bash -c "exec '$F' cat --frame q >&-"
fi
