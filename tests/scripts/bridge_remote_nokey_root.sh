# Without --key, a TCP peer must be a socket of this host, whose owner the
# kernel names; a peer on another host (here: another network namespace,
# over a veth pair) could be anyone there, and a bridge that connects to
# it without a key is refused before it sends a byte, as a listener on
# any address but loopback needs --key. Before, a keyless bridge sent its
# stream to whatever listened on the far host's port. With a key on both
# sides, the same link carries the stream.
# needs: root ip linux
source "$(dirname "$0")/lib.sh"
need_root

here=fifo-here-$$ there=fifo-there-$$
trap 'ip netns del "$here" 2> /dev/null || true; ip netns del "$there" 2> /dev/null || true; cleanup' EXIT
ip netns add "$here"
ip netns add "$there"
ip -n "$here" link add fifo-a type veth peer name fifo-b netns "$there"
ip -n "$here" addr add 10.1.2.1/24 dev fifo-a
ip -n "$there" addr add 10.1.2.2/24 dev fifo-b
ip -n "$here" link set fifo-a up
ip -n "$there" link set fifo-b up
in_here=(ip netns exec "$here")
in_there=(ip netns exec "$there")
# listening PORT: a socket listens on PORT in the far namespace.
listening() { "${in_there[@]}" awk -v port=":$(printf '%04X' "$1")" '$2 ~ port"$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp; }

# Whoever listens on the far host: a keyless receiver (docs/bridge.md's
# peer, listening instead of connecting).
cat > far.py <<'PY'
import os, socket, struct, sys
def exactly(sock, n):
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            raise EOFError
        data += more
    return data
def message(sock):
    kind, length = struct.unpack(">BI", exactly(sock, 5))
    return kind, exactly(sock, length)
def send(sock, kind, payload):
    sock.sendall(struct.pack(">BI", kind, len(payload)) + payload)
listener = socket.create_server(("0.0.0.0", int(sys.argv[1])))
sock, _ = listener.accept()
send(sock, 1, b"FIFOBRDG" + bytes([1, ord("R"), 0]) + bytes(16) + struct.pack(">Q", 0) + os.urandom(32))
message(sock)
got = 0
while True:
    kind, payload = message(sock)
    if kind == 4:
        sys.stdout.buffer.write(payload[8:])
        got += len(payload) - 8
        send(sock, 5, struct.pack(">Q", got))
    elif kind == 6:
        sys.stdout.flush()
        send(sock, 5, struct.pack(">Q", got))
        break
PY

seq 1000 > secret
SPAWN_TIMEOUT=60 spawn "${in_there[@]}" python3 far.py 7000 > stolen 2> far.err
far=$SPAWNED
wait_until 20 "the far listener" listening 7000
expect_fail 1 "fifo bridge: tcp:10.1.2.2:7000: a peer on another host needs --key: without one, anyone there could be it" \
    "${in_here[@]}" "$F" bridge --once secret tcp:10.1.2.2:7000
# It ends on its own when the bridge hangs up, or here.
kill "$far" 2> /dev/null || true
finish "$far"
eq "" "$(cat stolen)" "nothing reached the far host's keyless listener"

(umask 077 && head -c 32 /dev/urandom | base64 > key)
SPAWN_TIMEOUT=60 spawn "${in_there[@]}" "$F" bridge --once --key key tcp-listen:10.1.2.2:7001 - > got
receiver=$SPAWNED
wait_until 20 "the keyed listener" listening 7001
run "${in_here[@]}" "$F" bridge --once --key key secret tcp:10.1.2.2:7001
eq 0 "$STATUS" "with a key on both sides, the link is made (stderr: $ERR)"
finish "$receiver"
eq 0 "$STATUS" "the keyed receiver ends with the stream"
eq "$(seq 1000)" "$(cat got)" "the keyed receiver got the stream"
