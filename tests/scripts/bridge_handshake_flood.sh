# A listening bridge whose 64 handshake places are all held by silent
# connections still lets its real peer in: a new peer ends the oldest
# one's wait. It refused the newest, so anyone who could connect (over a
# keyed tcp-listen, anyone on the network, key or not) kept the real
# sender out by renewing 64 silent connections within the 10 s hello time;
# here the sender's --retry 5s is shorter than that time, so the old code
# ended it with 124.
# needs: python3
source "$(dirname "$0")/lib.sh"

"$F" mk src
# Neither side ends: the source FIFO is held across writers, so the silent
# connections can be looked at while the listener still runs.
SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > got' - "$F" bridge unix-listen:s.sock -
receiver=$SPAWNED
wait_until 20 "the listener" test -S s.sock

# 70 connections that never say a word. Once told (the file "look"), each
# is read without waiting: the listener's HELLO, then end of file if its
# wait was ended. Prints how many were ended.
python3 - > flood.out <<'PY' &
import os, socket, time
held = []
for _ in range(70):
    s = socket.socket(socket.AF_UNIX)
    s.connect("s.sock")
    held.append(s)
print("held", len(held), flush=True)
while not os.path.exists("look"):
    time.sleep(0.05)
ended = 0
for s in held:
    s.setblocking(False)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                ended += 1
                break
    except BlockingIOError:
        pass
print("ended", ended, flush=True)
time.sleep(60)
PY
PIDS+=($!)
wait_until 20 "the silent connections" grep -q "held 70" flood.out

SPAWN_TIMEOUT=60 spawn "$F" bridge --retry 5s src unix:s.sock 2> sender.err
sender=$SPAWNED
echo "the real stream" > src
wait_until 20 "the real stream at the receiver" grep -q "the real stream" got
ok "the real sender gets in past 70 silent peers"
touch look
wait_until 20 "the count of ended waits" grep -q "^ended" flood.out
eq "ended 7" "$(grep '^ended' flood.out)" "the 7 oldest silent peers had their waits ended, the rest still wait"
kill -TERM "$sender" "$receiver"
finish "$sender"
finish "$receiver"
[ ! -s sender.err ] || fail "the sender said: $(cat sender.err)"
ok "the sender said nothing"
