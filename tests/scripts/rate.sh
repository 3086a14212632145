# --rate-limit on cat, send and tee: never more bytes than the limit allows
# (at three rates, on the splice and the portable path), every byte arrives
# (checksums), a reader that stalls for 2 s gets no saved-up burst when it
# resumes, and --rate-file changes the rate while running. Only what holds
# under any load is asserted: a busy machine makes a copy slower, never
# faster, so "at most LIMIT × elapsed + the bucket" is checked against time
# measured from before the command starts, and nothing is asserted about
# how close to the limit it gets (bench/rate.sh measures that).
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"
need python3

# The bucket: a tenth of a second's bytes, plus the 40th of a second a late
# wake-up from its own sleep may keep (crates/fifo-core/src/transfer/rate.rs).
BUCKET=0.125

# meter PATH LIMIT START: reads PATH ("-": stdin) to end of file and prints
# the bytes, a checksum, and "within" if after every read the bytes so far
# were at most LIMIT bytes/s × the time since START (a time(2) stamp taken
# before the copy began) plus the bucket; else the first read over it.
meter() {
    python3 -c '
import hashlib, os, sys, time
fd = 0 if sys.argv[1] == "-" else os.open(sys.argv[1], os.O_RDONLY)
limit, start, bucket = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
digest, total, verdict = hashlib.sha256(), 0, "within"
while True:
    chunk = os.read(fd, 1 << 16)
    if not chunk:
        break
    digest.update(chunk)
    total += len(chunk)
    allowed = limit * (time.time() - start + bucket) + 1
    if total > allowed and verdict == "within":
        verdict = f"over:{total}>{int(allowed)}"
print(total, digest.hexdigest(), verdict)' "$1" "$2" "$3" "$BUCKET"
}

# windows.py: a reader of the FIFO named by argv[1] that counts what it
# reads in windows of time (read_for: the bytes, and how long the window
# really lasted) and sums it all up (summary).
cat > windows.py <<'PY'
import hashlib, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
digest, total = hashlib.sha256(), 0
def read_for(seconds):
    global total
    got, begin = 0, time.monotonic()
    while time.monotonic() < begin + seconds:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        digest.update(chunk)
        got += len(chunk)
    total += got
    return got, time.monotonic() - begin
def summary():
    return f"{total} {digest.hexdigest()}"
PY

# within WHAT VERDICT: the meter found no read over the limit.
within() {
    eq within "$2" "$1: never more than the limit × elapsed + the bucket"
}

# check_rate RATE BYTES_PER_SECOND WHAT OPTIONS...: cat of a 2 s file at RATE.
check_rate() {
    local rate=$1 per_second=$2 what=$3
    shift 3
    head -c $((per_second * 2)) /dev/urandom > data
    local want total sum verdict start=$EPOCHREALTIME
    want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
    read -r total sum verdict < <(timeout 60 "$F" cat --rate-limit "$rate" "$@" data | meter - "$per_second" "$start")
    eq "$want" "$total $sum" "$what: every byte"
    within "$what" "$verdict"
}

check_rate 100K $((100 * 1024)) "cat 100K"
check_rate 1M $((1024 * 1024)) "cat 1M"
check_rate 20M $((20 * 1024 * 1024)) "cat 20M"
check_rate 1M $((1024 * 1024)) "cat 1M, portable path" --no-splice

# send: stdin into a FIFO, on both paths.
head -c $((2 * 1024 * 1024)) /dev/urandom > data
want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
for portable in "" --no-splice; do
    "$F" mk p
    start=$EPOCHREALTIME
    SPAWN_TIMEOUT=60 spawn "$F" send --rate-limit 1M $portable p < data
    sender=$SPAWNED
    read -r total sum verdict < <(meter p $((1024 * 1024)) "$start")
    finish "$sender"
    eq 0 "$STATUS" "send $portable: status"
    eq "$want" "$total $sum" "send $portable: every byte"
    within "send $portable at 1M" "$verdict"
    rm p
done

# tee: a pipe to stdout and a FIFO (the tee(2) path), and portably.
for portable in "" --no-splice; do
    "$F" mk q
    start=$EPOCHREALTIME
    meter q $((1024 * 1024)) "$start" > q.out &
    q_reader=$!
    PIDS+=("$q_reader")
    read -r total sum verdict < <(cat data | timeout 60 "$F" tee --rate-limit 1M $portable q | meter - $((1024 * 1024)) "$start")
    wait "$q_reader"
    eq "$want" "$total $sum" "tee $portable: stdout, every byte"
    within "tee $portable at 1M, stdout" "$verdict"
    read -r total sum verdict < q.out
    eq "$want" "$total $sum" "tee $portable: the FIFO, every byte"
    within "tee $portable at 1M, the FIFO" "$verdict"
    rm q
done

# A stall: the reader reads for 1 s, stops reading for 2 s, then reads for
# 0.5 s. An uncapped bucket would have saved up 2 s of credit (2 MiB at 1M);
# the capped one allows only what the 64K pipe held, the bucket, and the
# rate over the window as long as it really lasted.
head -c $((4 * 1024 * 1024)) /dev/urandom > data
want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
"$F" mk s
# The portable engine has no capacity control, and leaves pipes at the
# system's 64 KiB.
capacity=(--capacity 64K)
[ "${FIFO_PORTABLE:-}" != 1 ] || capacity=()
SPAWN_TIMEOUT=120 spawn "$F" send --rate-limit 1M "${capacity[@]}" s < data
sender=$SPAWNED
read -r after allowed total sum < <(python3 -c '
import sys, time
from windows import read_for, summary
read_for(1)
time.sleep(2)
after, lasted = read_for(0.5)
allowed = 64 * 1024 + int(2**20 * (lasted + float(sys.argv[2]))) + 1
read_for(120)
print(after, allowed, summary())' s "$BUCKET")
finish "$sender"
eq 0 "$STATUS" "send after a stall: status"
eq "$want" "$total $sum" "send after a stall: every byte"
# The portable engine also holds the chunk it read and could not write yet,
# which this bound does not count.
if linux_only "the burst bound after a stall counts the splice engine's pipe only"; then
    [ "$after" -le "$allowed" ] || fail "after a 2 s stall: $after bytes, over the $allowed the pipe, bucket and window allow: a burst"
    ok "after a 2 s stall: $after bytes in the next window, at most $allowed (no saved-up burst)"
fi

# --rate-file: the reader reads at 100K for 0.5 s, writes 2M into the file,
# and reads on until it has more than 100K could ever have given (so the new
# rate is in effect); then it writes a bad rate, which is reported: more
# than 2 s of data at 2M are still to come, and the file is read twice a
# second.
head -c $((5 * 1024 * 1024)) /dev/urandom > data
want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
"$F" mk t
start=$EPOCHREALTIME
SPAWN_TIMEOUT=120 spawn bash -c "exec '$F' send --rate-limit 100K --rate-file rate t < data 2> send.err"
sender=$SPAWNED
read -r slow faster total sum < <(python3 -c '
import sys, time
import windows
from windows import read_for, summary
start, bucket = float(sys.argv[2]), float(sys.argv[3])
def slow_limit():
    return 100 * 1024 * (time.time() - start + bucket) + 1
read_for(0.5)
slow = "within" if windows.total <= slow_limit() else f"over:{windows.total}"
open("rate", "w").write("2M\n")
faster = "no"
while True:
    got, _ = read_for(0.05)
    if windows.total > slow_limit():
        faster = "yes"
        break
    if not got:
        break
open("rate", "w").write("bogus\n")
read_for(120)
print(slow, faster, summary())' t "$start" "$BUCKET")
finish "$sender"
eq 0 "$STATUS" "send --rate-file: status"
eq "$want" "$total $sum" "send --rate-file: every byte"
within "send --rate-file, before the change" "$slow"
eq yes "$faster" "send --rate-file: after writing 2M, more than 100K could ever give"
eq "fifo send: 'rate': invalid rate 'bogus' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$(cat send.err)" "send --rate-file: a bad rate is reported"

expect_fail 2 "invalid rate '0'" "$F" cat --rate-limit 0 /dev/null
expect_fail 2 "out of range" "$F" tee --rate-limit 99999999999G
expect_fail 2 "cannot be used with" "$F" send --rate-limit 1M --lines p
expect_fail 2 "cannot be used with" "$F" cat --rate-limit 1M --merge p
