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

BURSTS=$SCRIPTS/bursts.py
# MiB out before anyone reads: more than the pipes (raised to 1 MiB each)
# and the copy hold; the portable engine's pipes stay at 64 KiB, so there
# the 8M buffer and the pipes hold only a little over 8 MiB.
MARK=9
[ "${FIFO_PORTABLE:-}" != 1 ] || MARK=8

# fill WHAT CMD: starts CMD, a pipeline whose fifo process buffers, sees
# 9 MiB written before anyone reads, measures the fifo process's peak RSS,
# then lets the reader go; leaves the pipeline in PIPELINE.
fill() {
    local what=$1
    rm -f wrote9 go
    spawn bash -c "$2"
    PIPELINE=$SPAWNED
    wait_until 10 "$what: $MARK MiB written before anyone reads" test -e wrote9
    sleep 0.5
    local pid hwm
    pid=$(fifo_pid "$PIPELINE") || fail "$what: no fifo process to measure"
    hwm=$(peak_rss "$pid")
    [ "$hwm" -le $(( (8 + 16) * 1024 )) ] || fail "$what: peak RSS $hwm kB with --buffer 8M"
    ok "$what: peak RSS $hwm kB with --buffer 8M (limit 8M + 16M)"
    touch go
}

fill "cat --buffer" "python3 '$BURSTS' produce $MARK wrote9 | '$F' cat --buffer 8M | python3 '$BURSTS' consume - > got"
finish "$PIPELINE"
eq 0 "$STATUS" "cat --buffer: status"
eq "$want" "$(cat got)" "cat --buffer: every byte, in order"

"$F" mk p
rm -f go
spawn python3 "$BURSTS" consume p > got2
reader=$SPAWNED
fill "send --buffer" "python3 '$BURSTS' produce $MARK wrote9 | '$F' send --buffer 8M p"
finish "$PIPELINE"
eq 0 "$STATUS" "send --buffer: status"
finish "$reader"
eq "$want" "$(cat got2)" "send --buffer: every byte, in order"

expect_fail 2 "cannot be used with" "$F" cat --buffer 8M -l 3 /dev/null
expect_fail 2 "invalid size '0'" "$F" send --buffer 0 p
