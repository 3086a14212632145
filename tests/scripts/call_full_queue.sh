# `fifo call -t` bounds the whole call, also while the server's queue of
# connections is full: a server whose jobs are all busy takes no call, and
# callers (or one process of anyone who may write the FIFO) that connect
# meanwhile fill the socket's queue. A blocking connect(2) then waits until
# the server takes one, however long; the call must give up at its -t
# (124) instead, and get its answer once there is room.
source "$(dirname "$0")/lib.sh"

mkfifo gate
"$F" mk svc
# Each job waits for a line on the gate, then answers its request.
SPAWN_TIMEOUT=120 spawn "$F" serve -j 1 svc -- sh -c 'read -r line < gate; cat' 2> serve.err
server=$SPAWNED
wait_until 20 "the call socket" call_socket_ready svc.sock
SPAWN_TIMEOUT=120 spawn "$F" call svc first > first.out
first=$SPAWNED

# Connections that nobody takes, until the queue is full.
cat > fill.py <<'PY'
import resource, socket, sys, time
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
try:
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
except ValueError:
    pass
held = []
while True:
    sock = socket.socket(socket.AF_UNIX)
    sock.setblocking(False)
    try:
        sock.connect(sys.argv[1])
    except BlockingIOError:
        print("full", flush=True)
        break
    except OSError as err:
        print("no room:", err, flush=True)
        break
    held.append(sock)
time.sleep(600)
PY
SPAWN_TIMEOUT=120 spawn python3 fill.py svc.sock > fill.out
filler=$SPAWNED
wait_until 60 "the queue to fill" test -s fill.out
[ "$(cat fill.out)" = full ] || skip "cannot fill the socket's queue here: $(cat fill.out)"

# Blocked in connect(2), the call would be ended by run's hang guard
# (20 s) without a word.
expect_fail 124 "fifo call: 'svc': timed out after 1s waiting for a reply" \
    "$F" call -t 1s svc second

# Room again: the first job ends, the filler's connections go.
kill -TERM "$filler"
finish "$filler"
echo go > gate
finish "$first"
eq 0 "$STATUS" "the first call is answered"
eq first "$(cat first.out)" "the first call's reply"
spawn "$F" call -t 20s svc third < /dev/null > third.out
third=$SPAWNED
echo go > gate
finish "$third"
eq 0 "$STATUS" "a call after them is answered"
eq third "$(cat third.out)" "its reply"
kill -TERM "$server"
finish "$server"
