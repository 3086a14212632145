# Who may connect to fifo bridge over TCP: a listener on an open address
# needs --key; a sender with the wrong key, one without a key, an HTTP
# request and random bytes are each turned away with one line, and the
# listener goes on serving: the right sender then gets its stream through.
# A flood of 120 more is told of in 6 more lines and a count at 100, not
# a line each (-v tells of each). The key never crosses the wire.
# needs: python3
source "$(dirname "$0")/lib.sh"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# listening: the port is in LISTEN state (0A) in /proc/net/tcp.
listening() { awk -v port=":$(printf '%04X' "$port")" '$2 ~ port"$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp; }

head -c 32 /dev/urandom | base64 > key
head -c 32 /dev/urandom | base64 > wrong
chmod 600 key wrong
seq 20000 > data
"$F" mk dst
spawn "$F" bridge --key key "tcp-listen:0.0.0.0:$port" dst 2> receiver.err
receiver=$SPAWNED
spawn bash -c "cat dst > got"
reader=$SPAWNED
wait_until 20 "the listener" listening

to="tcp:127.0.0.1:$port"
expect_fail 1 "$to: wrong key" "$F" bridge --once --key wrong data "$to"
expect_fail 1 "$to: the peer has a key and this side none" "$F" bridge --once data "$to"
printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\n' > http
python3 -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(open(sys.argv[2], "rb").read()); s.recv(100)' "$port" http
head -c 4096 /dev/urandom > noise
python3 -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.sendall(open(sys.argv[2], "rb").read()); s.recv(100)' "$port" noise || true

# told N: the listener has told of N peers turned away (a line each so far).
told() { [ "$(wc -l < receiver.err)" -ge "$1" ]; }
wait_until 20 "the four refusals told" told 4
# The flood: each peer sends its request and waits for the listener to
# close the connection (its HELLO comes first), one after the other.
python3 - "$port" http <<'PY'
import socket, sys
request = open(sys.argv[2], "rb").read()
for _ in range(120):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    s.sendall(request)
    while s.recv(4096):
        pass
    s.close()
PY

run "$F" bridge --once --key key data "$to"
eq 0 "$STATUS" "the listener still serves the right key"
finish "$receiver"
eq 0 "$STATUS" "the receiver ends with its stream"
finish "$reader"
eq "$(sha256sum < data)" "$(sha256sum < got)" "the stream came whole after the refusals"

listen="tcp-listen:0.0.0.0:$port"
eq "fifo bridge: $listen: wrong key; dropped" "$(sed -n 1p receiver.err)" "a wrong key: one line, dropped"
eq "fifo bridge: $listen: the peer has no key; dropped" "$(sed -n 2p receiver.err)" "no key: one line, dropped"
eq "fifo bridge: $listen: unexpected bytes 47 45 54 20 2f; dropped" "$(sed -n 3p receiver.err)" "an HTTP request: one line, dropped"
[[ "$(sed -n 4p receiver.err)" == "fifo bridge: $listen: "*"; dropped" ]] || fail "random bytes: $(sed -n 4p receiver.err)"
ok "random bytes: one line, dropped"
eq 6 "$(sed -n 5,100p receiver.err | grep -c "^fifo bridge: $listen: unexpected bytes 47 45 54 20 2f; dropped$")" \
    "the flood: its first 6 peers get a line each (10 in all)"
eq "fifo bridge: 100 peers turned away so far (-v tells of each)" "$(sed -n 11p receiver.err)" \
    "the flood: then a count at 100"
eq 11 "$(wc -l < receiver.err)" "and nothing else, for 124 peers turned away"
grep -qF "$(cat key)" receiver.err && fail "the key was printed"
ok "the key is never printed"
