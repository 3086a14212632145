# fifo call against fifo serve: a round trip over the call socket, CMD's
# stdout, stderr and status passed back, 10 MiB each way, 50 concurrent
# callers each with its own reply, a caller killed mid-call, no server
# (--no-wait, -t), signals, an empty or missing TMPDIR, and never a file
# left behind.
source "$(dirname "$0")/lib.sh"

# A call makes no file; TMPDIR is watched to see that it stays so.
mkdir tmp
export TMPDIR=$T/tmp
no_leftovers() {
    eq "" "$(ls -A tmp)" "nothing is left in TMPDIR ($1)"
}
serving() {
    wait_until 10 "the call socket of $1" call_socket_ready "$1.sock"
}

spawn "$F" serve --create --rm -j 4 up -- tr a-z A-Z
upper=$SPAWNED
serving up
run "$F" call -t 10s up hello
eq "0 HELLO" "$STATUS $OUT" "call up hello prints HELLO"
run "$F" call --no-wait up "two words"
eq "0 TWO WORDS" "$STATUS $OUT" "--no-wait with a server: the words are joined by a space"
no_leftovers "after calls"
# A call needs no temporary place: an empty TMPDIR is unset, a missing one
# does not matter.
run env TMPDIR= "$F" call -t 10s up empty
eq "0 EMPTY" "$STATUS $OUT" "TMPDIR= (empty): the call is answered"
run env TMPDIR=/nonexistent/dir "$F" call -t 10s up missing
eq "0 MISSING" "$STATUS $OUT" "TMPDIR missing: the call is answered"
# A stdin that cannot be read is named as such, not the server's socket.
expect_fail 1 "fifo call: standard input: read error: Is a directory" "$F" call -t 10s up < .

# CMD's stdout, stderr and status come back apart.
spawn "$F" serve --create st -- sh -c 'cat > /dev/null; echo out; echo oops >&2; exit 7'
serving st
run "$F" call -t 10s st x
eq "7 out oops" "$STATUS $OUT $ERR" "CMD's stdout, stderr and exit status"
# A reply that cannot be written (a full device) is never lost in silence.
STATUS=0
timeout 60 "$F" call -t 10s st x > /dev/full 2> full.err || STATUS=$?
eq 1 "$STATUS" "a reply that cannot be written is status 1, not CMD's"
eq "oops
fifo call: standard output: write error: No space left on device" "$(cat full.err)" \
    "CMD's stderr still arrives, and call says the reply was not written"
spawn "$F" serve --create sig -- sh -c 'echo partial; kill -KILL $$'
serving sig
run "$F" call -t 10s sig x
eq "137 partial" "$STATUS $OUT" "a CMD killed by SIGKILL: status 128+9"

# 10 MiB request, echoed back as a 10 MiB reply.
spawn "$F" serve --create big -- cat
serving big
head -c 10485760 /dev/urandom > blob
timeout 60 "$F" call -t 50s big < blob > back || fail "the 10 MiB call failed"
eq "$(sha256sum < blob)" "$(sha256sum < back)" "a 10 MiB request comes back whole (checksums)"

# 50 concurrent callers, 4 workers: each gets exactly its own reply.
spawn "$F" serve --create -j 4 many -- sh -c 'read x; echo "reply to $x"'
serving many
callers=()
for i in $(seq 50); do
    timeout 60 "$F" call -t 50s many "caller $i" > "got.$i" 2> "err.$i" &
    callers+=("$!")
done
for pid in "${callers[@]}"; do
    wait "$pid" || fail "a concurrent caller failed"
done
for i in $(seq 50); do
    [ "$(cat "got.$i")" = "reply to caller $i" ] || fail "caller $i got [$(cat "got.$i")]"
done
ok "50 concurrent callers each got their own reply"
no_leftovers "after 50 concurrent calls"

# A caller killed mid-call: its reply is lost with a note; the server goes on.
mkdir tmp-killed
# The first job replies only once its caller is killed (a bounded wait).
cat > slow.sh <<'EOF'
read -r x
touch "started.$x"
i=0
while [ "$x" = first ] && [ ! -e killed ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
echo "$x"
EOF
spawn bash -c "exec '$F' serve --create slow -- sh slow.sh 2> slow.err"
server=$SPAWNED
serving slow
TMPDIR=$T/tmp-killed "$F" call slow first > /dev/null &
caller=$!
PIDS+=("$caller")
wait_until 10 "the first job to start" test -e started.first
kill -KILL "$caller"
STATUS=0
wait "$caller" 2>/dev/null || STATUS=$?
eq 137 "$STATUS" "the caller is killed while it waits for its reply"
touch killed
run "$F" call -t 10s slow second
eq "0 second" "$STATUS $OUT" "the next caller is served"
kill -0 "$server" || fail "the server died with its caller"
wait_until 10 "the lost reply's note" grep -q "request 1: the reply is lost: the caller is gone" slow.err
ok "the lost reply is noted on the server's stderr"

# A caller that stops reading (its stdout is full) holds up nobody: with
# one job slot, the next caller still gets its 5 MB reply, then the first
# gets all of its.
spawn "$F" serve --create -j 1 fat -- sh -c 'cat > /dev/null; head -c 5000000 /dev/zero | tr "\\0" x'
serving fat
timeout 60 "$F" call fat first | timeout 60 bash -c 'while [ ! -e go ]; do sleep 0.01; done; wc -c' > first.count &
first=$!
PIDS+=("$first")
run "$F" call -t 15s fat second
eq "0 5000000" "$STATUS ${#OUT}" "the second caller is served while the first one reads nothing"
touch go
wait "$first" || fail "the first caller failed"
eq 5000000 "$(cat first.count)" "the first caller then gets all of its reply"

# A server killed while a caller waits: the caller says so and fails.
spawn "$F" serve --create dies -- sh -c 'read x; echo $$ > started.dies; exec sleep 30'
dying=$SPAWNED
serving dies
spawn bash -c "exec '$F' call dies x 2> dies.err"
caller=$SPAWNED
wait_until 10 "the job to start" test -s started.dies
pkill -KILL -P "$dying"
finish "$caller"
eq "1 fifo call: 'dies': the server ended without replying" "$STATUS $(cat dies.err)" "a caller whose server dies fails with 1"
no_leftovers "after the server died"
kill "$(cat started.dies)"
# Its socket is left behind; the next serve of the FIFO replaces it.
[ -S dies.sock ] || fail "the killed server's socket is gone"
spawn "$F" serve dies -- tr a-z A-Z
run "$F" call -t 10s dies again
eq "0 AGAIN" "$STATUS $OUT" "a new serve replaces the socket a killed one left"

# No server.
mkfifo lonely
expect_fail 3 "fifo call: 'lonely': no fifo serve answers calls on it" "$F" call --no-wait lonely x
no_leftovers "after --no-wait"
expect_fail 124 "fifo call: 'lonely': timed out after 200ms waiting for a reply" "$F" call -t 200ms lonely x
no_leftovers "after -t with no server"
# A server that holds the FIFO but never answers: -t bounds the whole call.
spawn "$F" hold --create mute
"$F" wait --exists -t 10s mute
expect_fail 124 "fifo call: 'mute': timed out after 300ms waiting for a reply" "$F" call -t 300ms mute x
no_leftovers "after -t with no reply"

# Signals: the status is 128+n, and nothing is left behind.
set -m
for signal in INT TERM HUP; do
    want=$((128 + $(kill -l "$signal")))
    "$F" call mute x &
    pid=$!
    PIDS+=("$pid")
    wait_until 10 "the call to wait for a server" grep -q '^State:.*S' "/proc/$pid/status"
    kill -s "$signal" "$pid"
    finish "$pid"
    eq "$want" "$STATUS" "SIG$signal: call's status is $want"
    no_leftovers "after SIG$signal"
done
