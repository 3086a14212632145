# fifo send --frame / fifo cat --frame: 8 concurrent writers x 50 messages
# of 1 byte to 1 MiB each arrive once and whole; records of any size with
# -l; --json; data that is not framed is refused with its offset; -c N with
# --frame is refused (counted framed reads are frame_count.sh).
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T

# hold_open PID FIFO: once reader PID is blocked opening FIFO, the test
# keeps a write end of FIFO on descriptor 3, so the reader sees no end of
# file between writers until `exec 3>&-`. Everything spawned after it gets
# `3>&-`: a writer end it inherited would keep the reader waiting.
hold_open() {
    blocked_in_open "$1"
    exec 3> "$2"
}

# Every message: random printable text (base64, so never a NUL) of a random
# size from 1 byte to 1 MiB, written from a file by one `fifo send --frame`;
# its SHA-256 goes to sums.W.
cat > writer.py <<'PY'
import base64, hashlib, os, random, subprocess, sys
fifo, path, w = sys.argv[1], sys.argv[2], sys.argv[3]
with open(f"sums.{w}", "w") as sums:
    for i in range(50):
        size = random.randint(1, 1 << 20)
        data = base64.b64encode(os.urandom(size))[:size]
        subprocess.run([fifo, "send", "--frame", path], input=data, check=True, timeout=60)
        sums.write(hashlib.sha256(data).hexdigest() + "\n")
PY
cat > split.py <<'PY'
import hashlib, sys
data = open(sys.argv[1], "rb").read()
assert data.endswith(b"\0") or not data, "the output ends with a NUL"
for message in data.split(b"\0")[:-1]:
    print(hashlib.sha256(message).hexdigest())
PY

mkfifo q
SPAWN_TIMEOUT=120 spawn bash -c "'$F' cat --frame -0 q > out"
reader=$SPAWNED
hold_open "$reader" q
writers=()
for w in 1 2 3 4 5 6 7 8; do
    SPAWN_TIMEOUT=120 spawn python3 writer.py "$F" q "$w" 3>&-
    writers+=("$SPAWNED")
done
for pid in "${writers[@]}"; do
    finish "$pid"
    eq 0 "$STATUS" "writer $pid sent 50 framed messages"
done
exec 3>&-
finish "$reader"
eq 0 "$STATUS" "cat --frame -0 ends at end of file, status 0"
python3 split.py out | sort > got
cat sums.? | sort > want
eq 400 "$(wc -l < got)" "400 messages arrived"
cmp -s want got || fail "the messages differ from what was sent (checksums)"
ok "8 writers x 50 messages of 1 byte to 1 MiB: each exactly once, whole"

# -l: a line of 100 KiB is one message, sent whole next to another writer's.
head -c 102400 /dev/zero | tr '\0' a > long
{ cat long; echo; echo short; printf 'no newline'; } > lines
spawn bash -c "'$F' cat --frame --json q > out.json"
reader=$SPAWNED
hold_open "$reader" q
spawn "$F" send --frame -l q < lines 3>&-
one=$SPAWNED
spawn "$F" send --frame -0 q < long 3>&-
two=$SPAWNED
finish "$one"
eq 0 "$STATUS" "send --frame -l sends a 100 KiB line"
finish "$two"
eq 0 "$STATUS" "send --frame -0 sends a 100 KiB record without its NUL"
exec 3>&-
finish "$reader"
eq 0 "$STATUS" "cat --frame --json ends at end of file"
sizes=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    assert m["encoding"] == "utf-8" and len(m["data"].encode()) == m["size"]
    print(m["size"])' out.json | sort -n | tr '\n' ' ')
eq "6 10 102400 102401 " "$sizes" "each line is one message, newline included; the record is whole"
python3 - out.json <<'PY' || fail "a line's messages are not in order, or not the lines sent"
import json, sys
ms = [json.loads(line) for line in open(sys.argv[1])]
lines = [m["data"] for m in ms if m["size"] != 102400]
assert lines == ["a" * 102400 + "\n", "short\n", "no newline"], lines
one = {m["writer"] for m in ms if m["size"] != 102400}
assert len(one) == 1 and [m["sequence"] for m in ms if m["size"] != 102400] == [0, 1, 2]
PY
ok "the lines of one writer come in order, each from the same writer, numbered 0, 1, 2"

# --json of a binary message: base64, flagged so.
spawn bash -c "'$F' cat --frame --json q > bin.json"
reader=$SPAWNED
printf '\xff\x00\x01' | timeout 20 "$F" send --frame q
finish "$reader"
eq '"base64" "/wAB" 3' "$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(json.dumps(m["encoding"]), json.dumps(m["data"]), m["size"])' bin.json)" \
    "a message that is not UTF-8 is base64 in --json"

# A MESSAGE is built as send builds it: joined by spaces, plus a newline.
spawn bash -c "'$F' cat --frame q > out"
reader=$SPAWNED
timeout 20 "$F" send --frame q hello "big world"
finish "$reader"
eq "hello big world" "$(cat out)" "send --frame MESSAGE sends the words and a newline"

# Data that is not framed: refused, with the offset of the first bad chunk,
# status 1; the message before it is printed, nothing after it.
spawn bash -c "'$F' cat q > stream"
reader=$SPAWNED
hold_open "$reader" q
timeout 20 "$F" send --frame q first 3>&-
echo plain > q
timeout 20 "$F" send --frame q after 3>&-
exec 3>&-
finish "$reader"
run "$F" cat --frame stream
eq 1 "$STATUS" "a stream with plain data in it: status 1"
eq "first" "$OUT" "the message before the bad bytes is printed, nothing after them"
eq "fifo cat: 'stream': not a framed stream at byte 42: no frame header (it must start with bytes 0xff 0x46)" \
    "$ERR" "the error names the path and the offset of the bad chunk"
# The first chunk (42 bytes), then 20 bytes of the last one's header.
{ head -c 42 stream; tail -c +49 stream | head -c 20; } > truncated
run "$F" cat --frame truncated
eq "1 first" "$STATUS $OUT" "a stream cut inside a chunk: status 1, complete messages printed"
eq "fifo cat: 'truncated': not a framed stream at byte 42: the stream ends inside a chunk" \
    "$ERR" "a truncated chunk is named with its offset"

spawn bash -c "echo plain > q"
expect_fail 1 "fifo cat: 'q': not a framed stream at byte 0: no frame header" \
    "$F" cat --frame q
spawn bash -c "'$F' send q 'hello'"
expect_fail 1 "fifo cat: 'q': not a framed stream at byte 0: no frame header" \
    "$F" cat --frame q

expect_fail 2 "the argument '--frame' cannot be used with '--bytes <N>'" \
    "$F" cat --frame -c 1 q

# --max-pending: a message in flight beyond the cap refuses the stream.
spawn bash -c "head -c 10000 /dev/zero | '$F' send --frame q"
expect_fail 1 "fifo cat: 'q': unfinished messages would hold more than 1024 bytes in memory" \
    "$F" cat --frame --max-pending 1K q
finish "$SPAWNED"

# As for cat and send: a closed stdout (141, quietly), -t (124), --no-wait (3).
spawn bash -c "seq 1000000 | '$F' send --frame q"
sender=$SPAWNED
run bash -c "'$F' cat --frame q | head -c 10 > /dev/null; echo \${PIPESTATUS[0]}"
eq "141" "$OUT" "cat --frame whose stdout closes: status 141"
eq "" "$ERR" "a closed stdout is not reported"
finish "$sender"
expect_fail 124 "fifo cat: 'q': timed out after 100ms waiting for a writer" \
    "$F" cat --frame -t 100ms q
expect_fail 3 "fifo send: 'q': no reader" "$F" send --frame --no-wait q hi
