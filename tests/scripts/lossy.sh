# fifo tee --lossy: a stopped (SIGSTOP) reader on a lossy FIFO never slows
# stdout or a normal FIFO output, which get every byte (checksums); the
# lossy reader gets whole lines only, in order: a prefix, a gap, later lines;
# the drop count on SIGUSR1 and at the end matches exactly what it missed.
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

"$F" mk tap normal

# The lossy reader: opens the tap without waiting, says so, stops itself,
# and once continued reads everything into lossy.out.
spawn python3 -c '
import os, signal
fd = os.open("tap", os.O_RDONLY | os.O_NONBLOCK)
open("ready", "w").close()
os.kill(os.getpid(), signal.SIGSTOP)
os.set_blocking(fd, True)
with open("lossy.out", "wb") as out:
    while chunk := os.read(fd, 1 << 16):
        out.write(chunk)'
tap_reader=$SPAWNED
# The python3 under spawn's timeout.
stopped_pid() {
    local pid
    for pid in $(descendants "$tap_reader"); do
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != T ] || echo "$pid"
    done
}
stopped() { [ -e ready ] && [ -n "$(stopped_pid)" ]; }
wait_until 10 "the tap reader to stop itself" stopped
tap_python=$(stopped_pid)

spawn python3 -c 'import hashlib; print(hashlib.sha256(open("normal", "rb").read()).hexdigest(), " -", sep=" ")' > normal.sum
normal_reader=$SPAWNED

# The input: 100 000 numbered lines, then (once told to go on) 100 000 more.
python3 -c '
with open("input", "wb") as f:
    f.write(b"".join(b"%08d\n" % i for i in range(1, 200_001)))'
spawn bash -c 'python3 -c "
import os, sys, time
data = open(\"input\", \"rb\").read()
half = len(data) // 2
sys.stdout.buffer.write(data[:half]); sys.stdout.flush()
open(\"phase1\", \"w\").close()
for _ in range(1000):
    if os.path.exists(\"go\"):
        break
    time.sleep(0.01)
sys.stdout.buffer.write(data[half:])" | "$0" tee --lossy-lines --lossy-buffer 64K --lossy tap normal 2> err | sha256sum > main.sum' "$F"
pipeline=$SPAWNED
wait_until 10 "the first half written" test -e phase1

# The first half is through once the normal reader has it all; the stopped
# reader has a full pipe and queue, the rest of the half was dropped.
tee_pid=$(for pid in $(descendants "$pipeline"); do
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != fifo ] || echo "$pid"; done)
[ -n "$tee_pid" ] || fail "no fifo tee process under the pipeline"
reported() { grep -q "^fifo tee: 'tap': dropped [1-9][0-9]* lines ([0-9]* bytes)$" err; }
kill -USR1 "$tee_pid"
wait_until 10 "a drop report on SIGUSR1" reported
ok "SIGUSR1: $(cat err)"

kill -CONT "$tap_python"
touch go
finish "$pipeline"
eq 0 "$STATUS" "tee status"
finish "$normal_reader"
finish "$tap_reader"
want=$(sha256sum < input)
eq "$want" "$(cat main.sum)" "stdout got every byte"
eq "$want" "$(cat normal.sum)" "the normal FIFO got every byte"

# Whole lines, in order, a prefix from line 1, a gap, and later lines.
python3 -c '
import sys
data = open("lossy.out", "rb").read()
assert data.endswith(b"\n"), "a torn last line"
lines = data.split(b"\n")[:-1]
assert all(len(l) == 8 and l.isdigit() for l in lines), "a torn line"
numbers = [int(l) for l in lines]
assert numbers == sorted(set(numbers)), "out of order or repeated"
assert numbers[0] == 1, "no prefix"
gaps = sum(1 for a, b in zip(numbers, numbers[1:]) if b != a + 1)
assert gaps >= 1 and numbers[-1] > 100_000, f"no gap or no later lines: {gaps} gaps, last {numbers[-1]}"
print(len(numbers), len(data))' > got || fail "lossy output: $(cat got)"
read -r got_lines got_bytes < got
ok "the lossy reader got $got_lines whole lines in order, with a gap and later lines"
final=$(tail -1 err)
eq "fifo tee: 'tap': dropped $((200000 - got_lines)) lines ($(( $(stat -c %s input) - got_bytes )) bytes)" \
    "$final" "the final drop count is exactly what the lossy reader missed"

# A lossy FIFO nobody reads is skipped; a missing one is an error.
"$F" mk absent
run "$F" tee --lossy absent < input
eq 0 "$STATUS" "a lossy FIFO with no reader: status"
[[ "$ERR" =~ ^"fifo tee: 'absent': dropped "[0-9]+" chunks (1800000 bytes)"$ ]] || fail "no reader: [$ERR]"
ok "a lossy FIFO with no reader is skipped, its data counted: $ERR"
expect_fail 1 "'nope': cannot open" "$F" tee --lossy nope < /dev/null

# A reader that attaches later gets whole lines from then on (the tap is
# opened again every 0.1 s). The input comes in 40 batches of 1000 lines.
# Batches 1 and 2 go while nobody reads the tap, each once the test has
# seen the one before on tee's stdout: tee offers a batch to the tap before
# it reads the next, so batch 1 was surely dropped. The rest go, 0.05 s
# apart, once the late reader waits in its open: tee opens the tap again
# while lines still come, and the reader gets some.
"$F" mk late
spawn bash -c 'for i in $(seq 1 40); do
        seq -f "%08g" $(( (i - 1) * 1000 + 1 )) $(( i * 1000 ))
        if [ "$i" -le 2 ]; then
            until [ -e "go.$i" ]; do sleep 0.01; done
        else
            sleep 0.05
        fi
    done | "$0" tee --lossy-lines --lossy late > late.main 2> late.err' "$F"
pipeline=$SPAWNED
# main_has N: tee has written N lines to its stdout.
main_has() { [ -e late.main ] && [ "$(wc -l < late.main)" -ge "$1" ]; }
wait_until 10 "batch 1 on tee's stdout" main_has 1000
touch go.1
wait_until 10 "batch 2 on tee's stdout" main_has 2000
spawn bash -c "exec cat late > late.out"
late_reader=$SPAWNED
blocked_in_open "$late_reader"
touch go.2
finish "$late_reader"
eq 0 "$STATUS" "the late reader ends at end of file"
finish "$pipeline"
eq 0 "$STATUS" "tee with a late reader: status"
eq 40000 "$(wc -l < late.main)" "stdout got every line"
python3 -c '
data = open("late.out", "rb").read()
lines = data.split(b"\n")
assert lines.pop() == b"" and lines, "nothing, or a torn last line"
assert all(len(l) == 8 and l.isdigit() for l in lines), "a torn line"
assert int(lines[0]) > 1, "the late reader got the start"
print(len(lines), len(data))' > got || fail "late reader: $(cat got)"
read -r got_lines got_bytes < got
eq "fifo tee: 'late': dropped $((40000 - got_lines)) lines ($((360000 - got_bytes)) bytes)" \
    "$(cat late.err)" "a reader attached late: whole lines, the rest counted"
