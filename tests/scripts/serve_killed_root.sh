# Root serves uid 65534's FIFO in a sticky directory and is killed (SIGKILL:
# no clean-up): the socket it left belongs to uid 65534, to whom root gave
# it. The next root serve of that FIFO takes its place (it refused "a
# socket of uid 65534 is in its place" until someone removed it), and
# still refuses a live socket of that user, or anything else of theirs.
# needs: root setpriv python3
source "$(dirname "$0")/lib.sh"
need_root
need setpriv python3

mkdir -m 1777 shared
"${AS_NOBODY[@]}" mkfifo -m 622 shared/q
spawn "$F" serve shared/q -- tr a-z A-Z
first=$SPAWNED
wait_until 20 "the first call socket" call_socket_ready shared/q.sock
eq 65534 "$(stat -c %u shared/q.sock)" "the socket is given to the FIFO's owner"
kill -KILL "$(fifo_pid "$first")"
finish "$first"
[ -S shared/q.sock ] || fail "no socket left behind by the killed server"
ok "the killed server left its socket behind"

spawn bash -c "exec '$F' serve -n 1 shared/q -- tr a-z A-Z 2> serve.err"
second=$SPAWNED
wait_until 20 "the second call socket" call_socket_ready shared/q.sock
run "${AS_NOBODY[@]}" "$F" call -t 15s shared/q hello
eq "0 HELLO" "$STATUS $OUT" "the next server took the dead socket's place and answers"
finish "$second"
eq "0 " "$STATUS $(cat serve.err)" "the next server ends well"

# A live socket of that user is another server: refused, left alone.
"${AS_NOBODY[@]}" /usr/bin/python3 -c '
import os, socket, time
s = socket.socket(socket.AF_UNIX)
s.bind("shared/q.sock")
s.listen()
open("shared/listening", "w").close()
time.sleep(60)' &
PIDS+=($!)
wait_until 20 "uid 65534's listener" test -e shared/listening
expect_fail 1 "fifo serve: 'shared/q.sock': cannot open: Address already in use" \
    "$F" serve -n 1 shared/q -- cat
eq 65534 "$(stat -c %u shared/q.sock)" "uid 65534's live socket is left in place"
