# fifo cat --frame drops a message whose writer never finished it, never
# printing a byte of it: a writer killed with SIGKILL in the middle of a
# 5 MiB message, a writer that stalls past --idle (its chunk is kept for
# the next reader, which drops it once the writer is gone), and a reader
# with --rm ended by SIGTERM; each time a warning says what was dropped.
# needs: python3
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T  # where the readers' stash is: $TMPDIR/fifo-UID

mkfifo q feed
# The 5 MiB message: its first 2.5 MiB ('K's), then nothing until killed.
# Once those 2.5 MiB went into `feed`, fifo send has read at least 1.5 MiB
# (a pipe holds at most 1 MiB) and written all but one chunk and one read
# of it into q, which holds at most 1 MiB: the reader has part of it.
spawn bash -c "{ head -c 2621440 /dev/zero | tr '\0' K; touch half; until [ -e killed ]; do sleep 0.05; done; } > feed"
spawn bash -c "'$F' cat --frame q > out 2> err"
reader=$SPAWNED
# Writers come and go: the test holds a write end (descriptor 3, closed in
# everything it starts) until the end, once the reader waits in its open.
blocked_in_open "$reader"
exec 3> q
spawn "$F" send --frame q before 3>&-
finish "$SPAWNED"
spawn "$F" send --frame q < feed 3>&-
victim=$SPAWNED
wait_until 20 "half of the 5 MiB message to be fed" test -e half
spawn "$F" send --frame q middle 3>&-
finish "$SPAWNED"
pkill -KILL -P "$victim"
touch killed
finish "$victim"
eq 137 "$STATUS" "the writer was killed by SIGKILL mid-message"
spawn "$F" send --frame q after 3>&-
finish "$SPAWNED"
exec 3>&-
finish "$reader"
eq 1 "$STATUS" "a dropped message makes the status 1"
eq "before middle after " "$(tr '\n' ' ' < out)" "the other writers' messages are intact, in order"
grep -q K out && fail "a byte of the killed writer's message was printed"
ok "no byte of the unfinished message is printed"
dropped='^fifo cat: '\''q'\'': dropped 1 unfinished message \(([0-9]+) bytes received\): the writer did not send its last chunk$'
[[ "$(cat err)" =~ $dropped ]] || fail "the warning: [$(cat err)]"
got=${BASH_REMATCH[1]}
[ "$got" -gt 0 ] && [ "$got" -le 2621440 ] || fail "bytes received: $got"
ok "the warning names the dropped message and its $got bytes"

# A writer that sends the first chunk of a message and stalls: --idle ends
# the reading and leaves the chunk in the stash for the next reader,
# printing nothing of it; that reader, once the writer has gone without
# the last chunk, drops it and says so. The chunk is written by hand, in
# the format of docs/frames.md: FIRST set, LAST not. It is in the FIFO
# before any reader comes (written through a read-write descriptor, then a
# write end kept alone), so the reader's idle time starts once it is read,
# however late the writer runs.
cat > stall.py <<'PY'
import os, struct, sys, time
both = os.open(sys.argv[1], os.O_RDWR)
os.write(both, struct.pack(">BBBBIQQQI", 0xFF, 0x46, 1, 1, os.getpid(), 7, 0, 0, 5) + b"part1")
fd = os.open(sys.argv[1], os.O_WRONLY)
os.close(both)
open("stalled", "w").close()
while not os.path.exists("release"):  # under the spawn's timeout
    time.sleep(0.05)
PY
drained() { [ "$("${FS[@]}" stat -c %{buffered} "$1")" = 0 ]; }
spawn python3 stall.py q
stall=$SPAWNED
wait_until 10 "the stalled writer's chunk" test -e stalled
spawn bash -c "'$F' cat --frame --idle 1s q > out 2> err"
reader=$SPAWNED
finish "$reader"
eq 0 "$STATUS" "--idle with a message unfinished: status 0, the message is kept"
eq "" "$(cat out)$(cat err)" "nothing of the stalled message is printed, nothing said"
eq 1 "$(ls "fifo-$(id -u)" | grep -c '^frames-')" "the chunk is in the stash"
touch release
finish "$stall"
spawn "$F" send --frame q after
run "$F" cat --frame q
eq "1 after" "$STATUS $OUT" "the next reader prints the other message, status 1"
eq "fifo cat: 'q': dropped 1 unfinished message (5 bytes received): the writer did not send its last chunk" \
    "$ERR" "the next reader drops the stalled message at end of file, and says so"
eq 0 "$(ls "fifo-$(id -u)" | grep -c '^frames-' || true)" "the stash is empty again"
finish "$SPAWNED"

rm release
# SIGTERM with --rm: the FIFO goes away with the reader, so nothing is kept
# for a next one; the reader says what it drops, removes what --create
# made, and dies of the signal (143).
rm -f stalled
spawn bash -c "exec '$F' cat --frame -k --create --rm made > out 2> err"
reader=$SPAWNED
wait_until 10 "cat --create to make its FIFO" test -p made
spawn python3 stall.py made
stall=$SPAWNED
wait_until 10 "the stalled writer's chunk" test -e stalled
wait_until 10 "the reader to take the chunk" drained made
kill -TERM "$(pgrep -P "$reader")"
finish "$reader"
eq 143 "$STATUS" "SIGTERM ends cat --frame with 143"
eq "fifo cat: 'made': dropped 1 unfinished message (5 bytes received): the reading stopped before their last chunks came" \
    "$(cat err)" "a signal: the reader says what it drops"
[ -e made ] && fail "--rm did not remove the FIFO"
ok "--rm removed the FIFO --create made"
touch release
finish "$stall"

# SIGTERM while still waiting for a writer: nothing to report; --rm still
# removes the FIFO, and the status is 143.
spawn bash -c "exec '$F' cat --frame --create --rm waiting 2> err"
reader=$SPAWNED
wait_until 10 "cat --create to make its FIFO" test -p waiting
blocked_in_open "$reader"
kill -TERM "$(pgrep -P "$reader")"
finish "$reader"
eq 143 "$STATUS" "SIGTERM while opening: 143"
eq "" "$(cat err)" "nothing to report"
[ -e waiting ] && fail "--rm did not remove the FIFO"
ok "--rm removed the FIFO while the reader waited for a writer"
