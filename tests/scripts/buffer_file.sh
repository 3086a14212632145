# --buffer-file on cat and send: a producer writes 50 MiB in bursts and
# finishes before anyone reads, through --buffer 1M; what does not fit in
# memory is in the spill file (seen through /proc, never under a name),
# memory stays within 1M plus a small constant, and the slow reader gets
# every byte in order. The file is gone after exit, after SIGTERM and
# after SIGKILL mid-stream; a path that exists (a file, a symlink) is
# refused and left alone; a file size limit on the spill loses nothing and
# says so; a full output is an error.
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"
need python3

head -c $((50 * 1024 * 1024)) /dev/urandom > data
want=$(sha256sum < data)
mkdir spill

BURSTS=$SCRIPTS/bursts.py
has_fifo() { fifo_pid "$1" > /dev/null; }
# spilled PID: the size of the deleted file PID holds open (its spill).
spilled() {
    local fd
    for fd in /proc/"$1"/fd/*; do
        [[ "$(readlink "$fd")" != *" (deleted)" ]] || { stat -L -c %s "$fd"; return; }
    done
    echo 0
}
# spilled_at_least PID BYTES: whether PID's spill file holds BYTES or more.
spilled_at_least() { [ "$(spilled "$1")" -ge "$2" ]; }

# absorb WHAT CMD: starts CMD, a pipeline through a fifo process with
# --buffer 1M and a spill; all 50 MiB are written before anyone reads;
# checks the spill and peak memory, then lets the reader go.
absorb() {
    local what=$1 pid hwm size
    rm -f wrote-all go
    SPAWN_TIMEOUT=120 spawn bash -c "$2"
    PIPELINE=$SPAWNED
    wait_until 15 "$what: all 50 MiB written before anyone reads" test -e wrote-all
    pid=$(fifo_pid "$PIPELINE") || fail "$what: no fifo process"
    size=$(spilled "$pid")
    [ "$size" -ge $((40 * 1024 * 1024)) ] || fail "$what: only $size bytes in the spill file"
    eq "" "$(ls -A spill)" "$what: the spill file has no name in its directory"
    hwm=$(peak_rss "$pid")
    [ "$hwm" -le $(( (1 + 15) * 1024 )) ] || fail "$what: peak RSS $hwm kB with --buffer 1M"
    ok "$what: $size bytes spilled, peak RSS $hwm kB with --buffer 1M (limit 1M + 15M)"
    touch go
}

absorb "cat --buffer-file DIR" "python3 '$BURSTS' produce 50 wrote-all | '$F' cat --buffer 1M --buffer-file spill | python3 '$BURSTS' consume - > got"
finish "$PIPELINE"
eq 0 "$STATUS" "cat --buffer-file: status"
eq "$want" "$(cat got)" "cat --buffer-file: every byte, in order"
eq "" "$(ls -A spill)" "cat --buffer-file: nothing left in the directory"

"$F" mk p
rm -f go
spawn python3 "$BURSTS" consume p > got2
reader=$SPAWNED
absorb "send --buffer-file NEWPATH" "python3 '$BURSTS' produce 50 wrote-all | '$F' send --buffer 1M --buffer-file spill/new p"
finish "$PIPELINE"
eq 0 "$STATUS" "send --buffer-file: status"
finish "$reader"
eq "$want" "$(cat got2)" "send --buffer-file: every byte, in order"
[ ! -e spill/new ] || fail "send --buffer-file: spill/new is left"
ok "send --buffer-file: the named file was unlinked at once and is gone"

# Ended by a signal mid-stream: nothing is left, whatever the signal.
for signal in TERM KILL; do
    rm -f wrote-all go
    spawn bash -c "python3 '$BURSTS' produce 50 wrote-all | '$F' cat --buffer 1M --buffer-file spill/named | python3 '$BURSTS' consume - > /dev/null"
    pipeline=$SPAWNED
    wait_until 15 "SIG$signal: all 50 MiB written" test -e wrote-all
    pid=$(fifo_pid "$pipeline")
    kill -s "$signal" "$pid"
    wait_until 10 "SIG$signal: fifo to end" test ! -e "/proc/$pid"
    touch go
    finish "$pipeline"
    eq "" "$(ls -A spill)" "SIG$signal mid-stream: no spill file left"
done

# A path that exists is refused, never followed or truncated.
echo "keep me" > target
ln -s target spill/link
echo "mine" > spill/file
expect_fail 1 "fifo cat: 'spill/link': cannot create buffer file: File exists" "$F" cat --buffer 1M --buffer-file spill/link /dev/null
expect_fail 1 "fifo send: 'spill/file': cannot create buffer file: File exists" "$F" send --buffer 1M --buffer-file spill/file p
ln -s nowhere spill/dangling
expect_fail 1 "fifo cat: 'spill/dangling': cannot create buffer file: File exists" "$F" cat --buffer 1M --buffer-file spill/dangling /dev/null
eq "keep me" "$(cat target)" "the symlink's target is untouched"
eq "mine" "$(cat spill/file)" "the existing file is untouched"
[ ! -e spill/nowhere ] || fail "a dangling symlink was followed"
ok "nothing was created through the dangling symlink"
rm spill/link spill/file spill/dangling

# A file size limit stops the spill at 2 MiB: nothing is lost, and it says so.
rm -f wrote-all go
spawn bash -c "python3 '$BURSTS' produce 50 wrote-all | (ulimit -f 2048; exec '$F' cat --buffer 1M --buffer-file spill 2> err) | python3 '$BURSTS' consume - > got3"
pipeline=$SPAWNED
wait_until 15 "ulimit -f: the fifo process to start" has_fifo "$pipeline"
pid=$(fifo_pid "$pipeline")
wait_until 15 "ulimit -f: the spill file to reach its limit" spilled_at_least "$pid" $((2 * 1024 * 1024))
[ ! -e wrote-all ] || fail "ulimit -f: 50 MiB absorbed despite a 2 MiB limit on the file"
touch go
finish "$pipeline"
eq 0 "$STATUS" "ulimit -f: status"
eq "$want" "$(cat got3)" "ulimit -f: every byte, in order"
grep -Eq "^fifo cat: the buffer file refused data (once|[0-9]+ times) \(File too large\); input waited, nothing was lost$" err ||
    fail "ulimit -f: no honest warning: $(cat err)"
ok "ulimit -f: the refusal is reported: $(cat err)"

# The same with 64K of memory and a 256 KiB file: it fills, drains and
# starts over from offset 0 hundreds of times per run (a race there once
# zeroed new data with the space given back for old).
head -c 20000000 data > part
touch go
for round in 1 2 3 4 5 6 7 8; do
    run bash -c "(ulimit -f 256; exec '$F' cat --buffer 64K --buffer-file spill < part 2> /dev/null) | python3 '$BURSTS' consume -"
    eq "0 $(sha256sum < part)" "$STATUS $OUT" "a small file starting over, round $round: every byte, in order"
done

# A full output is an error, as without --buffer.
run bash -c "'$F' cat --buffer 1M --buffer-file spill < data > /dev/full"
eq 1 "$STATUS" "a full output: status"
eq "fifo cat: standard output: write error: No space left on device" "$ERR" "a full output: the message"

expect_fail 2 "required arguments were not provided: --buffer" "$F" cat --buffer-file spill /dev/null
