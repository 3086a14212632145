# fifo tee --lossy at the end of the input: stdout is closed at once (its
# reader sees the end while tee still serves the tap), what is queued for
# the tap is delivered while its reader takes it, and a reader that takes
# nothing for --idle is given up, what was queued for it counted in the
# one-line drop report.
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

seq -f "%08g" 1 30000 > input
total=$(wc -l < input)
"$F" mk tap

# tap_reader: opens the tap without waiting, stops itself, and once
# continued reads everything into tap.out. Sets TAP_READER and TAP_PID.
tap_reader() {
    rm -f ready tap.out
    spawn python3 -c '
import os, signal
fd = os.open("tap", os.O_RDONLY | os.O_NONBLOCK)
open("ready", "w").close()
os.kill(os.getpid(), signal.SIGSTOP)
os.set_blocking(fd, True)
with open("tap.out", "wb") as out:
    while chunk := os.read(fd, 1 << 16):
        out.write(chunk)'
    TAP_READER=$SPAWNED
    wait_until 10 "the tap reader to stop itself" stopped
    TAP_PID=$(stopped_pid)
}
stopped_pid() {
    local pid
    for pid in $(descendants "$TAP_READER"); do
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != T ] || echo "$pid"
    done
}
stopped() { [ -e ready ] && [ -n "$(stopped_pid)" ]; }

# 270 KB: more than the tap's pipe, less than pipe and --lossy-buffer.
tap_reader
spawn bash -c "'$F' tee --lossy-lines --lossy tap --idle 60s < input 2> err | { cat > main.out; touch main.done; }"
pipeline=$SPAWNED
wait_until 20 "stdout's reader to see the end" test -e main.done
tee_pid=$(fifo_pid "$pipeline") || fail "tee ended before its tap's reader took the queue"
ok "stdout's reader saw the end while tee ($tee_pid) still served the tap"
kill -CONT "$TAP_PID"
finish "$pipeline"
eq 0 "$STATUS" "tee status"
finish "$TAP_READER"
eq "$(sha256sum < input)" "$(sha256sum < main.out)" "stdout got every line"
eq "$(sha256sum < input)" "$(sha256sum < tap.out)" "the tap's reader got everything queued at the end"
eq "fifo tee: 'tap': dropped 0 lines (0 bytes)" "$(cat err)" "nothing dropped"

# A reader that takes nothing: given up after --idle, the queue counted.
tap_reader
run "$F" tee --lossy-lines --lossy tap --idle 1s < input
eq 0 "$STATUS" "tee with a stalled tap: status"
kill -CONT "$TAP_PID"
finish "$TAP_READER"
got_lines=$(wc -l < tap.out)
got_bytes=$(python3 -c 'd = open("tap.out", "rb").read(); print(d.rfind(b"\n") + 1)')
lost=$((total - got_lines))
[ "$lost" -gt 0 ] || fail "the stalled reader got everything: nothing was queued beyond its pipe"
eq "fifo tee: 'tap': dropped $lost lines ($(( $(stat -c %s input) - got_bytes )) bytes), $lost of them ($(( $(stat -c %s input) - got_bytes )) bytes) queued at the end of the input, when its reader took nothing for 1s" \
    "$ERR" "the drop report counts what was given up at the end"
head -n "$got_lines" input | cmp -s - <(head -c "$got_bytes" tap.out) || fail "the tap's reader got other lines"
ok "the stalled reader got whole lines from the start: $got_lines"
