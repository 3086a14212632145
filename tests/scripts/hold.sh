# fifo hold: writers never block, readers never see end-of-file between
# writers, data survives a reader's restart; -b is in place on return;
# --stop; --rm and the loss report on signals; --idle.
# needs: linux
source "$(dirname "$0")/lib.sh"

# -b: the hold is in place the moment the command returns (no sleep here).
run "$F" hold -b --create q
eq 0 "$STATUS" "hold -b returns 0 (stderr: $ERR)"
holder=$OUT
PIDS+=("$holder")
[ -p q ] || fail "--create made no FIFO"
eq 600 "$(mode_of q)" "--create makes a private FIFO"
run "$F" send --no-wait q one
eq 0 "$STATUS" "send --no-wait succeeds at once without a reader ($ERR)"
# Real peers write with no reader there: bash, python3's os.open, sh.
echo two > q
python3 -c 'import os; fd = os.open("q", os.O_WRONLY); os.write(fd, b"three\n")'
timeout 60 sh -c 'echo four > q' || fail "sh's writer blocked on a held FIFO"
ok "bash, python3 and sh writers open and write without a reader"
# fifo stat shows the holder like any other.
run "$F" stat q
[[ "$OUT" == *"Holder: pid $holder (fifo) fd "*" read-write"* ]] || fail "stat does not show the hold: $OUT"
ok "fifo stat lists the hold as a read-write holder"
# A reader that takes one line and leaves: the rest stays for the next.
eq one "$(timeout 60 "$F" cat -l 1 q)" "the first reader gets the first line"
# (python3 one byte at a time: head(1) would read ahead and take the rest.)
eq two "$(timeout 60 python3 -c '
import os
fd = os.open("q", os.O_RDONLY)
line = b""
while not line.endswith(b"\n"):
    line += os.read(fd, 1)
print(line.decode(), end="")')" "a restarted reader (python3) gets the next"
# Between writers a reader sees no end of file: it gets both, then stops on -l.
spawn bash -c "'$F' cat -l 4 q > got"
reader=$SPAWNED
"$F" send q five
"$F" send q six
finish "$reader"
eq 0 "$STATUS" "the reader ends on its line budget, not an end of file"
eq "three
four
five
six" "$(cat got)" "one reader across four writers, in order"

# --stop ends it and waits until it is gone; nothing was left in the pipe.
run "$F" hold --stop q
eq 0 "$STATUS" "hold --stop (stderr: $ERR)"
[ ! -e /proc/"$holder" ] || [[ "$(cut -d' ' -f3 /proc/"$holder"/stat)" == [ZX] ]] || fail "the holder is still running"
ok "--stop returned after the holder ended"
expect_fail 3 "no reader" "$F" send --no-wait q after
expect_fail 1 "fifo hold: 'q': no fifo hold process of this user holds it" "$F" hold --stop q

# Bytes nobody will read are never lost silently: --stop says how many.
holder=$("$F" hold -b q 2> /dev/null)
PIDS+=("$holder")
"$F" send --no-wait q 'lost line'
run "$F" hold --stop q
eq 1 "$STATUS" "--stop reports lost bytes with status 1"
[[ "$ERR" == *"fifo hold: 'q': 10 bytes still in the pipe were lost: no other process held it"* ]] || fail "no loss report: $ERR"
ok "--stop names the 10 bytes lost"
# ...but none are lost while another process holds the FIFO.
holder=$("$F" hold -b q)
PIDS+=("$holder")
exec 7<> q
"$F" send --no-wait q kept
run "$F" hold --stop q
eq 0 "$STATUS" "--stop with another holder loses nothing ($ERR)"
eq kept "$(timeout 60 "$F" cat -l 1 /dev/fd/7)" "the other holder still reads what was sent"
exec 7<&-

# Foreground: SIGTERM after --rm removes the FIFO it made, reports what is
# lost, and dies of the signal (143).
spawn "$F" hold --create --rm fg 2> fg.err
holder=$SPAWNED
wait_until 10 "the foreground hold of fg" "$F" wait --writer -q -t 100ms fg
"$F" send --no-wait fg 'bye'
kill -TERM "$holder"
finish "$holder"
eq 143 "$STATUS" "SIGTERM ends hold with 143"
eq "fifo hold: 'fg': 4 bytes still in the pipe are lost: no other process holds it" \
    "$(cat fg.err)" "the hold says what the signal made it lose"
[ ! -e fg ] || fail "--rm left fg behind"
ok "--rm removed the FIFO on SIGTERM"

# --idle: ends once nobody else holds it and it is empty; status 0.
# The byte is in, and fd 8 holds the FIFO, before the hold starts: the hold
# is never idle before a reader drained it, however late it runs. (Written
# after the hold was seen holding, it came too late when 300 ms passed
# first: the hold had ended, and the byte went with the pipe.)
"$F" mk idle
exec 8<> idle
printf 'x\n' >&8
spawn "$F" hold --idle 300ms idle 8<&-
holder=$SPAWNED
# holds_idle: the hold itself has idle open (fifo wait --writer would see
# fd 8 already).
holds_idle() {
    local pid
    pid=$(fifo_pid "$holder") && [[ " $("$F" stat -c %{holders} idle) " == *" $pid:"* ]]
}
wait_until 10 "the hold of idle" holds_idle
exec 8<&-
# Still running: the byte is buffered. Draining it lets the idle clock run.
eq x "$(timeout 60 "$F" cat -l 1 idle)" "a reader drains the held FIFO"
finish "$holder"
eq 0 "$STATUS" "hold --idle ends by itself once idle"

# Refusals: not a FIFO, missing, and usage.
touch file
expect_fail 1 "fifo hold: 'file': not a fifo (it is a regular file)" "$F" hold file
expect_fail 1 "fifo hold: 'missing': cannot open: No such file or directory" "$F" hold -b missing
[ ! -e missing ] || fail "hold made a file"
expect_fail 2 "cannot be used with" "$F" hold --stop --create q
