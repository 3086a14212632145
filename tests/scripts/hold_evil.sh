# fifo hold under a hostile caller: a PID that cannot be printed, a launcher
# killed while it waits, a captured stderr, one bad PATH among good ones, a
# stopped holder, two holders on one FIFO. A holder nobody can find by its
# PID must never be left running unannounced.
# needs: linux
source "$(dirname "$0")/lib.sh"

# holds PATH: whether some process holds PATH open for writing (a hold).
holds() { "$F" wait --writer -q -t 0 "$1"; }
# reap PATH: ends whatever holds PATH (found by fifo stat: a hold whose PID
# was never told); fails if something did.
reap() {
    local pid
    holds "$1" || return 0
    for pid in $("$F" stat "$1" | sed -n 's/.*Holder: pid \([0-9]*\) .*/\1/p'); do
        kill "$pid" 2> /dev/null || true
    done
    return 1
}
# ended PID: PID has ended (it may wait, a zombie, for its parent).
ended() { [ ! -e "/proc/$1" ] || [[ "$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" == [ZX] ]]; }
# orphan PATH WHAT: fails naming WHAT if a hold is left on PATH, after
# ending it.
orphan() { reap "$1" || fail "$2"; }

# The PID cannot be printed (stdout is /dev/full): the command fails, and
# takes the holder it started down with it.
"$F" mk full
run sh -c "exec '$F' hold -b full > /dev/full"
eq 1 "$STATUS" "hold -b with stdout on /dev/full fails"
[[ "$ERR" == *"fifo hold: standard output: write error: No space left on device"* ]] ||
    fail "no write error: $ERR"
orphan full "a holder nobody knows the PID of still holds full"
ok "no holder is left behind when its PID cannot be printed"

# ...nor into a pipe whose reader has gone (| head -c0, made certain: the
# read end is closed before fifo starts): 141, and no holder.
"$F" mk gone
run python3 -c '
import os, sys
r, w = os.pipe()
os.close(r)
os.dup2(w, 1)
os.execv(sys.argv[1], sys.argv[1:])' "$F" hold -b gone
eq 141 "$STATUS" "hold -b into a pipe nobody reads is 141 ($ERR)"
orphan gone "a holder nobody knows the PID of still holds gone"
ok "no holder is left behind when its PID goes into a pipe nobody reads"
# A closed stdout: status 1, and no holder either.
"$F" mk shut
run sh -c "exec '$F' hold -b shut >&-"
eq 1 "$STATUS" "hold -b with stdout closed fails ($ERR)"
orphan shut "a holder nobody knows the PID of still holds shut"

# stderr captured with the PID, as $(...) 2>&1 or a subprocess capturing
# both do: the detached holder must not keep the capture open until it ends.
run bash -c "pid=\$('$F' hold -b --create cap 2>&1); echo \"\$pid\""
[ "$STATUS" = 0 ] || reap cap || true
eq 0 "$STATUS" "\$(fifo hold -b 2>&1) returns ($ERR)"
[[ "$OUT" =~ ^[0-9]+$ ]] || fail "no PID captured: [$OUT]"
PIDS+=("$OUT")
holds cap || fail "the captured hold does not hold cap"
run "$F" hold --stop cap
eq "0 " "$STATUS $ERR" "--stop ends the hold whose stderr was captured"

# One PATH fails: nothing is left held, and nothing --create made is left.
run "$F" hold --create made1 nodir/made2
eq 1 "$STATUS" "hold with a PATH that cannot be made fails"
eq "fifo hold: 'nodir/made2': cannot create fifo: No such file or directory" "$ERR" \
    "the failing PATH is named"
[ ! -e made1 ] || fail "hold left made1, which it created, behind after failing"
ok "a failed hold leaves no FIFO it created"
run "$F" hold -b --create made3 nodir/made4
eq 1 "$STATUS" "hold -b with a PATH that cannot be made fails"
[ ! -e made3 ] || fail "hold -b left made3 behind after failing"
ok "a failed hold -b leaves no FIFO it created"

# A launcher killed while it waits for the holder to be ready: either it had
# printed the PID (which the holder may then outlive), or no holder is left.
unannounced=()
for i in $(seq 0 19); do
    # Not under timeout(1), which may return before its command ends: the
    # bound is the wait_until below.
    "$F" hold -b --create --rm "sig$i" > "sig$i.pid" 2> /dev/null &
    launcher=$!
    PIDS+=("$launcher")
    sleep "0.00$((i % 10))"
    kill -TERM "$launcher" 2> /dev/null || true
    wait_until 10 "the launcher of sig$i to end" ended "$launcher"
    finish "$launcher"
    if [ -s "sig$i.pid" ]; then
        PIDS+=("$(cat "sig$i.pid")")
        kill "$(cat "sig$i.pid")" 2> /dev/null || true
    else
        unannounced+=("sig$i")
    fi
done
# Checked once all are done, so that a holder still starting up is seen.
# (Whether --rm removed the FIFO is not asserted: a signal between the
# holder's mkfifo and its noting the FIFO for removal still leaves it.)
held=()
for path in "${unannounced[@]}"; do
    reap "$path" || held+=("$path")
done
eq "" "${held[*]}" "no hold is left of the launchers that printed no PID"
ok "a launcher killed before printing the PID leaves no hold behind (${#unannounced[@]} of 20)"

# A stopped holder (SIGSTOP) is still stopped by --stop.
holder=$("$F" hold -b --create frozen)
PIDS+=("$holder")
kill -STOP "$holder"
run "$F" hold --stop -t 5s frozen
kill -CONT "$holder" 2> /dev/null || true
eq "0 " "$STATUS $ERR" "--stop ends a holder stopped by SIGSTOP"

# Two holders on one FIFO: --stop ends both and reports what was lost once
# no holder was left.
first=$("$F" hold -b --create twice)
second=$("$F" hold -b twice)
PIDS+=("$first" "$second")
"$F" send --no-wait twice data
run "$F" hold --stop twice
eq 1 "$STATUS" "--stop of two holders reports the loss"
[[ "$ERR" == *"fifo hold: 'twice': 5 bytes still in the pipe were lost: no other process held it"* ]] ||
    fail "no loss report: $ERR"
orphan twice "a holder of twice is left"
ok "--stop ends both holders"

# A hold of two FIFOs stopped by one of them: what the other loses is said
# by --stop too (the holder's own stderr may be gone), and --stop fails.
holder=$("$F" hold -b --create x1 x2 2> /dev/null)
PIDS+=("$holder")
"$F" send --no-wait x2 precious
run "$F" hold --stop x1
eq 1 "$STATUS" "--stop x1 fails: x2 lost bytes with the holder"
[[ "$ERR" == *"/x2': 9 bytes still in the pipe were lost: no other process held it"* ]] ||
    fail "--stop x1 does not say what x2 lost: [$ERR]"
ok "--stop x1 names the 9 bytes x2 lost"

# A process named fifo that holds the FIFO read-write but is no hold (fifo
# cat reading it through an inherited exec 3<>) is not stopped.
"$F" mk notahold
exec 3<> notahold
spawn "$F" cat /dev/fd/3
reader=$SPAWNED
exec 3<&-
wait_until 10 "fifo cat to hold notahold" "$F" wait --reader -q -t 0 notahold
expect_fail 1 "fifo hold: 'notahold': no fifo hold process of this user holds it" \
    "$F" hold --stop notahold
[ -e "/proc/$reader" ] && ! ended "$reader" || fail "--stop ended fifo cat"
ok "fifo cat holding the FIFO read-write is left alone"
kill "$reader"
