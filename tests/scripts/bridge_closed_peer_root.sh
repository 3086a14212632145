# A socket whose process closed it is shown by Linux's /proc/net/tcp as
# root's (an orphan has no file, so no owner). uid 65534 connects to root's
# loopback tcp-listen receiver, sends a whole stream (hello, data, end of
# file) and closes before root's bridge looks it up: the bridge must turn
# it away ("cannot tell who connected"), not take it for root's and write
# it into root's FIFO. Root's listener is stopped meanwhile, so that the
# look-up surely comes after the close. Root's own sender is served after.
# needs: root setpriv linux
source "$(dirname "$0")/lib.sh"
need_root
# /usr/bin: uid 65534 cannot run a python3 installed under /root.
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 to act as uid 65534's peer"

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# state PORT STATE: a socket from PORT's peer (the remote side is PORT) is
# in STATE (hex, as /proc/net/tcp shows it), or one listens on PORT (0A).
state() { awk -v port=":$(printf '%04X' "$1")" -v st="$2" '(st == "0A" ? $2 : $3) ~ port"$" && $4 == st {found = 1} END {exit !found}' /proc/net/tcp; }

cat > attack.py <<'PY'
import os, socket, struct, sys
port, payload = int(sys.argv[1]), b"written by uid 65534\n"
def message(kind, body):
    return struct.pack(">BI", kind, len(body)) + body
hello = b"FIFOBRDG" + bytes([1, ord("S"), 0]) + os.urandom(16) + struct.pack(">Q", 0) + os.urandom(32)
with socket.create_connection(("127.0.0.1", port)) as sock:
    sock.sendall(message(1, hello) + message(4, struct.pack(">Q", 0) + payload)
                 + message(6, struct.pack(">Q", len(payload))))
PY

seq 1000 > data
"$F" mk -m 600 out
port=$(free_port)
spawn bash -c 'exec cat out > got'
spawn "$F" bridge "tcp-listen:$port" out 2> recv.err
receiver=$SPAWNED
wait_until 20 "root's listener" state "$port" 0A
listener=$(fifo_pid "$receiver")
kill -STOP "$listener"
run "${AS_NOBODY[@]}" /usr/bin/python3 attack.py "$port"
eq 0 "$STATUS" "uid 65534 connected, sent its stream and closed (stderr: $ERR)"
# FIN_WAIT2 (05): closed, its end of file taken by root's (stopped) side.
wait_until 20 "uid 65534's socket to be closed" state "$port" 05
kill -CONT "$listener"
wait_until 20 "root's listener to deal with the closed peer" test -s recv.err -o -s got
[ -s got ] && fail "uid 65534's stream reached root's FIFO: $(cat got)"
ok "nothing of uid 65534's reached root's FIFO"
eq "fifo bridge: tcp-listen:$port: cannot tell who connected: its socket on this host is closing or gone, and no longer says whose it is; dropped" \
    "$(cat recv.err)" "the listener says why, in one line"

run "$F" bridge --once data "tcp:127.0.0.1:$port"
eq 0 "$STATUS" "root's own sender is then served (stderr: $ERR)"
finish "$receiver"
eq 0 "$STATUS" "the listener ends with root's stream"
eq "$(seq 1000)" "$(cat got)" "root's FIFO got root's stream only"
