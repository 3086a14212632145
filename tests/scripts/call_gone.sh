# A call is run only when its request arrived whole: a caller that goes
# away mid-request (killed, ended by a signal, timed out while sending, or a
# client that closes instead of ending its sending) closes its connection,
# and what came so far is not its request. serve runs nothing for it and
# says so in one line; a whole call after it is run as usual.
source "$(dirname "$0")/lib.sh"
need python3

# 120 s: the server lives as long as the scenario (at nice 19 under three
# busy loops, spawn's 20 s ended it first, and the next call waited for one).
SPAWN_TIMEOUT=120 spawn bash -c "exec '$F' serve --create g -- sh -c 'printf \"[%s]\n\" \"\$(cat)\" >> ran' 2> serve.err"
server=$SPAWNED
wait_until 10 "the call socket" call_socket_ready g.sock
note="fifo serve: a call dropped: the caller went away before its request was whole; not run"
notes() { grep -c "^$note\$" serve.err || true; }
# notes_are N: serve.err holds N notes (read again on every try).
notes_are() { [ "$(notes)" = "$1" ]; }

# A client that sends part of a body and closes its connection.
python3 -c "
import socket
s = socket.socket(socket.AF_UNIX)
s.connect('g.sock')
s.sendall(b'\0fifo-call 2\0pay mallory 1')
s.close()"
wait_until 20 "the note for the closed connection" notes_are 1

# fifo call timed out while its request still arrives on its stdin. Its -t
# bounds the whole call, so it must connect and send the request's first
# bytes before that runs out, which a busy machine may not allow (with a
# 1.5 s delay in its connect, it sent nothing and the bytes stayed in the
# FIFO). Such a try proves nothing (a connection that sent nothing is no
# call, and is rightly not noted): it is made again with twice the time.
limit=1
while :; do
    rm -f slow.timeout
    mkfifo slow.timeout
    spawn bash -c "exec '$F' call -t ${limit}s g < slow.timeout 2> timeout.err"
    caller=$SPAWNED
    exec 7> slow.timeout
    printf 'pay mallory 1' >&7
    finish "$caller"
    left=$("${FS[@]}" stat -c %{buffered} slow.timeout)
    exec 7>&-
    [ "$left" != 0 ] || break
    ((limit < 64)) || fail "fifo call -t ${limit}s read none of its stdin before it ran out"
    echo "note: fifo call -t ${limit}s ran out before it read its stdin; again with twice the time"
    limit=$((limit * 2))
done
ok "the request's first bytes have left the caller's stdin (timeout)"
eq "124|fifo call: 'g': timed out after ${limit}s waiting for a reply" \
    "$STATUS|$(cat timeout.err)" "the call times out while sending"

# fifo call ended by SIGTERM and killed (SIGKILL) while its request still
# arrives on its stdin.
for how in TERM KILL; do
    mkfifo "slow.$how"
    spawn bash -c "exec '$F' call g < slow.$how 2> $how.err"
    caller=$SPAWNED
    exec 7> "slow.$how"
    printf 'pay mallory 1' >&7
    run "${FS[@]}" wait --empty -t 20s "slow.$how"
    eq 0 "$STATUS" "the request's first bytes have left the caller's stdin ($how)"
    kill "-$how" "$(fifo_pid "$caller")"
    finish "$caller"
    exec 7>&-
done
wait_until 20 "a note for each caller gone" notes_are 4

run "$F" call -t 20s g "a whole call"
eq 0 "$STATUS" "a whole call after them is answered"
eq "[a whole call]" "$(cat ran)" "only the whole call ran: no part of a request was run"
eq 4 "$(notes)" "one note for each caller gone mid-request"
kill -TERM "$server"
finish "$server"
