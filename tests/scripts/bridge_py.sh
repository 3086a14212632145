# The Python peer of docs/bridge.md, taken from the document as it is:
# a fifo bridge sender listening on TCP carries a FIFO's stream to it,
# without a key and with one (the HMAC challenge and response).
# needs: python3
source "$(dirname "$0")/lib.sh"

sed -n '/^```python$/,/^```$/p' "$SCRIPTS/../../docs/bridge.md" | sed '1d;$d' > peer.py
[ -s peer.py ] || fail "no python peer in docs/bridge.md"
lines=$(wc -l < peer.py)
[ "$lines" -le 70 ] || fail "the peer has $lines lines, not about 60"
ok "the peer is $lines lines"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { awk -v port=":$(printf '%04X' "$1")" '$2 ~ port"$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp; }
head -c 32 /dev/urandom | base64 > key
chmod 600 key
head -c 3000000 /dev/urandom > data

port=$(free_port)
"$F" mk src
spawn "$F" bridge --once src "tcp-listen:$port"
sender=$SPAWNED
spawn bash -c "cat data > src"
wait_until 20 "the sender listening" listening "$port"
timeout 20 python3 peer.py "$port" > got
finish "$sender"
eq 0 "$STATUS" "no key: the sender ends once the peer acknowledged everything"
eq "$(sha256sum < data)" "$(sha256sum < got)" "no key: the peer wrote the stream"

port=$(free_port)
rm src
"$F" mk src
spawn "$F" bridge --once --key key src "tcp-listen:$port"
sender=$SPAWNED
spawn bash -c "cat data > src"
wait_until 20 "the sender listening" listening "$port"
timeout 20 python3 peer.py "$port" key > got
finish "$sender"
eq 0 "$STATUS" "key: the sender ends once the peer acknowledged everything"
eq "$(sha256sum < data)" "$(sha256sum < got)" "key: the peer proved the key and wrote the stream"
