# Without a key, loopback TCP and Unix sockets are open to every user of
# the host, so a bridge asks the kernel who owns the socket at the other
# end and turns away any user but its own, root and --allow-uid: uid 65534
# connecting to root's loopback tcp-listen does not get root's stream, a
# listener uid 65534 planted on the port or the socket root connects to
# gets nothing from root, and --allow-uid 65534 lets that user in.
# needs: root setpriv python3 linux
source "$(dirname "$0")/lib.sh"
need_root

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# listening PORT: the port is in LISTEN state (0A) in /proc/net/tcp.
listening() { awk -v port=":$(printf '%04X' "$1")" '$2 ~ port"$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp; }

seq 1000 > data
chmod 600 data
mkdir pub
chmod 777 pub

# Root sends from a loopback listener: uid 65534 connecting is refused on
# both sides in one line, and root's own receiver then gets the stream.
port=$(free_port)
spawn "$F" bridge --once data "tcp-listen:$port" 2> sender.err
sender=$SPAWNED
wait_until 20 "root's listener" listening "$port"
to="tcp:127.0.0.1:$port"
expect_fail 1 "$to: refused by the peer: uid 65534 is not allowed to connect" \
    "${AS_NOBODY[@]}" "$F" bridge --once "$to" -
eq "" "$OUT" "uid 65534 got nothing of root's stream"
run "$F" bridge --once "$to" -
eq 0 "$STATUS" "root's own receiver is served (stderr: $ERR)"
eq "$(seq 1000)" "$OUT" "root's own receiver got the stream"
finish "$sender"
eq 0 "$STATUS" "the listener ends with its stream"
eq "fifo bridge: tcp-listen:$port: uid 65534 is not allowed to connect; dropped" \
    "$(cat sender.err)" "the listener says whom it turned away, in one line"

# uid 65534 plants a receiving listener on the port root connects to.
port=$(free_port)
SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > pub/stolen' - "${AS_NOBODY[@]}" "$F" bridge --once "tcp-listen:$port" -
planted=$SPAWNED
wait_until 20 "the planted listener" listening "$port"
to="tcp:127.0.0.1:$port"
expect_fail 1 "$to: uid 65534 is not allowed to listen here" "$F" bridge --once data "$to"
[ -s pub/stolen ] && fail "uid 65534's listener wrote: $(cat pub/stolen)"
ok "nothing reached the planted listener"
run "$F" bridge --once --allow-uid 65534 data "$to"
eq 0 "$STATUS" "--allow-uid 65534: root sends to that user's listener (stderr: $ERR)"
finish "$planted"
eq "$(seq 1000)" "$(cat pub/stolen)" "--allow-uid 65534: that user got the stream"

# The same with a Unix socket uid 65534 made where root connects.
SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > pub/stolen' - "${AS_NOBODY[@]}" "$F" bridge --once unix-listen:pub/sock -
planted=$SPAWNED
wait_until 20 "the planted socket" test -S pub/sock
expect_fail 1 "unix:pub/sock: uid 65534 is not allowed to listen here" \
    "$F" bridge --once data unix:pub/sock
[ -s pub/stolen ] && fail "uid 65534's listener wrote: $(cat pub/stolen)"
ok "nothing reached the planted socket"
run "$F" bridge --once --allow-uid 65534 data unix:pub/sock
eq 0 "$STATUS" "--allow-uid 65534: root sends to that user's socket (stderr: $ERR)"
finish "$planted"
eq "$(seq 1000)" "$(cat pub/stolen)" "--allow-uid 65534: that user's socket got the stream"
