# --rate-limit on cat, send and tee: bytes over elapsed time stay within
# 25 % of the limit at three rates and on both the splice and the portable
# path, every byte arrives (checksums), a reader that stalls for 2 s gets no
# burst over the limit when it resumes, and bad rates are usage errors.
# A behaviour test with generous bounds, not a benchmark.
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

# meter PATH: reads PATH ("-": stdin) to end of file and prints the bytes,
# the rate from the first byte to the last (bytes per second) and a checksum.
meter() {
    python3 -c '
import hashlib, os, sys, time
fd = 0 if sys.argv[1] == "-" else os.open(sys.argv[1], os.O_RDONLY)
digest, total, start = hashlib.sha256(), 0, None
while True:
    chunk = os.read(fd, 1 << 16)
    if not chunk:
        break
    if start is None:
        start = time.monotonic()
    digest.update(chunk)
    total += len(chunk)
elapsed = time.monotonic() - start if start else 1
print(total, int(total / max(elapsed, 1e-6)), digest.hexdigest())' "$1"
}

# windows.py: a reader of the FIFO named by argv[1] that counts what it
# reads in windows of time (read_for) and sums it all up (summary).
cat > windows.py <<'PY'
import hashlib, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
digest, total = hashlib.sha256(), 0
def read_for(seconds):
    global total
    got, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        digest.update(chunk)
        got += len(chunk)
    total += got
    return got
def summary():
    return f"{total} {digest.hexdigest()}"
PY

# near WANT GOT WHAT: GOT is within 25 % of WANT.
near() {
    local want=$1 got=$2
    [ $((got * 4)) -ge $((want * 3)) ] && [ $((got * 4)) -le $((want * 5)) ] ||
        fail "$3: $got bytes/s, wanted $want ±25 %"
    ok "$3: $got bytes/s (limit $want)"
}

# check_rate RATE BYTES_PER_SECOND WHAT OPTIONS...: cat of a 2 s file at RATE.
check_rate() {
    local rate=$1 per_second=$2 what=$3
    shift 3
    head -c $((per_second * 2)) /dev/urandom > data
    local want got
    want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
    read -r total speed sum < <(timeout 20 "$F" cat --rate-limit "$rate" "$@" data | meter -)
    eq "$want" "$total $sum" "$what: every byte"
    near "$per_second" "$speed" "$what"
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
    spawn "$F" send --rate-limit 1M $portable p < data
    sender=$SPAWNED
    read -r total speed sum < <(meter p)
    finish "$sender"
    eq 0 "$STATUS" "send $portable: status"
    eq "$want" "$total $sum" "send $portable: every byte"
    near $((1024 * 1024)) "$speed" "send $portable at 1M"
    rm p
done

# tee: a pipe to stdout and a FIFO (the tee(2) path), and portably.
for portable in "" --no-splice; do
    "$F" mk q
    meter q > q.out &
    q_reader=$!
    PIDS+=("$q_reader")
    read -r total speed sum < <(cat data | timeout 20 "$F" tee --rate-limit 1M $portable q | meter -)
    wait "$q_reader"
    eq "$want" "$total $sum" "tee $portable: stdout, every byte"
    near $((1024 * 1024)) "$speed" "tee $portable at 1M, stdout"
    read -r total speed sum < q.out
    eq "$want" "$total $sum" "tee $portable: the FIFO, every byte"
    near $((1024 * 1024)) "$speed" "tee $portable at 1M, the FIFO"
    rm q
done

# A stall: the reader reads for 1 s, stops reading for 2 s, then counts what
# it gets in the next 0.5 s. An uncapped bucket would have saved up 2 s of
# credit (2 MiB at 1M); the capped one gives the 64K the pipe held, 0.1 s of
# burst and 0.5 s at the rate, about 0.67 MiB.
head -c $((4 * 1024 * 1024)) /dev/urandom > data
want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
"$F" mk s
spawn "$F" send --rate-limit 1M --capacity 64K s < data
sender=$SPAWNED
read -r after total sum < <(python3 -c '
import time
from windows import read_for, summary
read_for(1)
time.sleep(2)
after = read_for(0.5)
read_for(60)
print(after, summary())' s)
finish "$sender"
eq 0 "$STATUS" "send after a stall: status"
eq "$want" "$total $sum" "send after a stall: every byte"
[ "$after" -le $((900 * 1024)) ] || fail "after a 2 s stall: $after bytes in 0.5 s at 1M, a burst"
[ "$after" -ge $((300 * 1024)) ] || fail "after a 2 s stall: only $after bytes in 0.5 s at 1M"
ok "after a 2 s stall: $after bytes in 0.5 s at 1M (no saved-up burst)"

# --rate-file: the reader measures 1 s at 100K, writes 2M into the file,
# skips 0.6 s (the file is read twice a second), measures 1 s at 2M, then
# writes a bad rate, which is reported.
head -c $((5 * 1024 * 1024)) /dev/urandom > data
want="$(stat -c %s data) $(sha256sum < data | cut -d' ' -f1)"
"$F" mk t
spawn bash -c "'$F' send --rate-limit 100K --rate-file rate t < data 2> send.err"
sender=$SPAWNED
read -r slow fast total sum < <(python3 -c '
import time
from windows import read_for, summary
slow = read_for(1)
open("rate", "w").write("2M\n")
read_for(0.6)
fast = read_for(1)
open("rate", "w").write("bogus\n")
read_for(60)
print(slow, fast, summary())' t)
finish "$sender"
eq 0 "$STATUS" "send --rate-file: status"
eq "$want" "$total $sum" "send --rate-file: every byte"
near $((100 * 1024)) "$slow" "send --rate-file, before the change"
near $((2 * 1024 * 1024)) "$fast" "send --rate-file, after writing 2M"
eq "fifo send: 'rate': invalid rate 'bogus' (use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB); rate unchanged" \
    "$(cat send.err)" "send --rate-file: a bad rate is reported"

expect_fail 2 "invalid rate '0'" "$F" cat --rate-limit 0 /dev/null
expect_fail 2 "out of range" "$F" tee --rate-limit 99999999999G
expect_fail 2 "cannot be used with" "$F" send --rate-limit 1M --lines p
expect_fail 2 "cannot be used with" "$F" cat --rate-limit 1M --merge p
