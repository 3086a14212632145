# What a peer says when it gives up (a FAIL message) is its claim, printed
# on this side's stderr: a peer that puts a newline and a terminal's escape
# in it gets one line, those characters shown escaped, never a forged line
# of its own or a cleared screen.
# needs: python3
source "$(dirname "$0")/lib.sh"

cat > peer.py <<'PY'
import socket, struct, sys
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(1)
print(server.getsockname()[1], flush=True)
conn, _ = server.accept()
conn.recv(72)
text = b"gone\nfifo bridge: all is well\x1b[2J"
conn.sendall(struct.pack(">BI", 7, len(text)) + text)
conn.recv(100)
PY
seq 10 > data
spawn bash -c "python3 peer.py > port"
peer=$SPAWNED
wait_until 20 "the peer's port" test -s port
to="tcp:127.0.0.1:$(cat port)"
expect_fail 1 "fifo bridge: $to: refused by the peer: gone\\nfifo bridge: all is well\\u{1b}[2J" \
    "$F" bridge --once data "$to"
eq "fifo bridge: $to: refused by the peer: gone\\nfifo bridge: all is well\\u{1b}[2J" "$ERR" "the peer's text, escaped, is the whole line"
finish "$peer"
