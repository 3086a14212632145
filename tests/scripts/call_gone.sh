# A call is run only when its request arrived whole: a caller that goes
# away mid-request (killed, ended by a signal, timed out while sending, or a
# client that closes instead of ending its sending) closes its connection,
# and what came so far is not its request. serve runs nothing for it and
# says so in one line; a whole call after it is run as usual.
source "$(dirname "$0")/lib.sh"
need python3

spawn bash -c "exec '$F' serve --create g -- sh -c 'printf \"[%s]\n\" \"\$(cat)\" >> ran' 2> serve.err"
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

# fifo call timed out, ended by SIGTERM and killed (SIGKILL) while its
# request still arrives on its stdin.
for how in timeout TERM KILL; do
    mkfifo "slow.$how"
    limit=
    [ "$how" != timeout ] || limit="-t 1s"
    spawn bash -c "exec '$F' call $limit g < slow.$how 2> $how.err"
    caller=$SPAWNED
    exec 7> "slow.$how"
    printf 'pay mallory 1' >&7
    run "${FS[@]}" wait --empty -t 20s "slow.$how"
    eq 0 "$STATUS" "the request's first bytes have left the caller's stdin ($how)"
    [ "$how" = timeout ] || kill "-$how" "$(fifo_pid "$caller")"
    finish "$caller"
    exec 7>&-
    [ "$how" != timeout ] ||
        eq "124|fifo call: 'g': timed out after 1s waiting for a reply" \
            "$STATUS|$(cat timeout.err)" "the call times out while sending"
done
wait_until 20 "a note for each caller gone" notes_are 4

run "$F" call -t 20s g "a whole call"
eq 0 "$STATUS" "a whole call after them is answered"
eq "[a whole call]" "$(cat ran)" "only the whole call ran: no part of a request was run"
eq 4 "$(notes)" "one note for each caller gone mid-request"
kill -TERM "$server"
finish "$server"
