# A listening bridge whose 64 handshake places are all held by silent
# connections still lets its real peer in: a new peer ends the oldest
# one's wait. It refused the newest, so anyone who could connect (over a
# keyed tcp-listen, anyone on the network, key or not) kept the real
# sender out by renewing 64 silent connections within the 10 s hello time;
# here the sender's --retry 5s is shorter than that time, so the old code
# ended it with 124.
# needs: python3
source "$(dirname "$0")/lib.sh"

SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > got 2> receiver.err' - "$F" bridge --once unix-listen:s.sock -
receiver=$SPAWNED
wait_until 20 "the listener" test -S s.sock

# 70 connections that never say a word, held until killed.
python3 - > flood.out <<'PY' &
import socket, time
held = []
for _ in range(70):
    s = socket.socket(socket.AF_UNIX)
    s.connect("s.sock")
    held.append(s)
print("held", len(held), flush=True)
time.sleep(60)
PY
PIDS+=($!)
wait_until 20 "the silent connections" grep -q "held 70" flood.out

echo "the real stream" > data
run "$F" bridge --once --retry 5s data unix:s.sock
eq 0 "$STATUS" "the real sender gets in past 70 silent peers (stderr: $ERR)"
finish "$receiver"
eq "0 the real stream" "$STATUS $(cat got)" "the receiver got the real stream"
eq 7 "$(grep -c '^fifo bridge: unix-listen:s.sock: a peer said nothing while 64 newer ones came; ended its wait; dropped$' receiver.err)" \
    "the 7 oldest silent peers are ended, one line each"
