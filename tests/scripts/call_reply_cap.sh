# fifo call holds no more than one bounded record of a reply: a server
# (one it believes: the FIFO's owner, root, or the caller's own user, here
# a Python stand-in) that announces a record of 4 GiB is refused at the
# record's header with one line, instead of being buffered in full; a
# record of the largest size a server sends (64 KiB) is taken.
source "$(dirname "$0")/lib.sh"
need python3

mkfifo x
cat > server.py <<'PY'
import os, socket, struct, sys
length, rest = int(sys.argv[1]), int(sys.argv[2])
listener = socket.socket(socket.AF_UNIX)
listener.bind("x.sock")
listener.listen(1)
print("listening", flush=True)
conn, _ = listener.accept()
while conn.recv(65536):
    pass
try:
    conn.sendall(b"o" + struct.pack(">I", length) + b"a" * rest)
    if rest == length:
        conn.sendall(b"s" + struct.pack(">I", 6) + b"exit 0")
except OSError:
    pass
conn.close()
os.unlink("x.sock")
PY

serve() {
    rm -f up
    spawn bash -c "python3 server.py $1 $2 > up"
    wait_until 10 "the stand-in server" grep -q listening up
}

serve 4294967295 8000000
run "$F" call -t 15s x hello
eq "1|fifo call: 'x': a malformed reply: a record of 4294967295 bytes (at most 65536 are sent in one)" \
    "$STATUS|$ERR" "a 4 GiB record is refused at its header"
eq "" "$OUT" "and nothing of it is printed"
finish "$SPAWNED"

serve 65536 65536
run "$F" call -t 15s x hello
eq "0 65536" "$STATUS $(printf %s "$OUT" | wc -c)" "a record of 64 KiB, the most a server sends, is taken"
finish "$SPAWNED"
