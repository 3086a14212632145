# --buffer SIZE on cat and send: a producer writes 50 MiB in bursts while the
# reader has not started; it gets 9 MiB out (more than the pipes and the
# copy's own buffer hold) before anyone reads, memory stays within SIZE plus
# a small constant, and once the reader reads (slowly) every byte arrives
# in order (checksum).
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

head -c $((50 * 1024 * 1024)) /dev/urandom > data
want=$(sha256sum < data)

# The producer: 1 MiB bursts; says when 9 MiB are out.
cat > produce.py <<'PY'
import os, sys, time
data = open("data", "rb").read()
mib = 1 << 20
for i in range(50):
    sys.stdout.buffer.write(data[i * mib:(i + 1) * mib])
    sys.stdout.flush()
    if i == 8:
        open("wrote9", "w").close()
    if i % 5 == 4:
        time.sleep(0.02)
PY
# The reader: opens its input, reads once "go" exists, slowly.
cat > consume.py <<'PY'
import hashlib, os, sys, time
fd = 0 if sys.argv[1] == "-" else os.open(sys.argv[1], os.O_RDONLY)
for _ in range(2000):
    if os.path.exists("go"):
        break
    time.sleep(0.01)
digest = hashlib.sha256()
while chunk := os.read(fd, 1 << 16):
    digest.update(chunk)
    time.sleep(0.0005)
print(digest.hexdigest(), " -")
PY

# fill WHAT CMD: starts CMD, a pipeline whose fifo process buffers, sees
# 9 MiB written before anyone reads, measures the fifo process's peak RSS,
# then lets the reader go; leaves the pipeline in PIPELINE.
fill() {
    local what=$1
    rm -f wrote9 go
    spawn bash -c "$2"
    PIPELINE=$SPAWNED
    wait_until 10 "$what: 9 MiB written before anyone reads" test -e wrote9
    sleep 0.5
    local pid hwm=0
    for pid in $(descendants "$PIPELINE"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != fifo ] ||
            hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")
    done
    [ "$hwm" -gt 0 ] || fail "$what: no fifo process to measure"
    [ "$hwm" -le $(( (8 + 16) * 1024 )) ] || fail "$what: peak RSS $hwm kB with --buffer 8M"
    ok "$what: peak RSS $hwm kB with --buffer 8M (limit 8M + 16M)"
    touch go
}

fill "cat --buffer" "python3 produce.py | '$F' cat --buffer 8M | python3 consume.py - > got"
finish "$PIPELINE"
eq 0 "$STATUS" "cat --buffer: status"
eq "$want" "$(cat got)" "cat --buffer: every byte, in order"

"$F" mk p
rm -f go
spawn python3 consume.py p > got2
reader=$SPAWNED
fill "send --buffer" "python3 produce.py | '$F' send --buffer 8M p"
finish "$PIPELINE"
eq 0 "$STATUS" "send --buffer: status"
finish "$reader"
eq "$want" "$(cat got2)" "send --buffer: every byte, in order"

expect_fail 2 "cannot be used with" "$F" cat --buffer 8M -l 3 /dev/null
expect_fail 2 "invalid size '0'" "$F" send --buffer 0 p
