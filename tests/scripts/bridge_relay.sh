# fifo bridge through a relay (bridge_relay.py) that is killed and started
# again six times during the transfer, over TCP and over Unix sockets:
# every byte arrives, once (sha256 and size equal), and the bridges did
# link again (the receiver's -v says "linked" more than once). The sender
# reads at 2 MB/s with a 1 MiB replay buffer, so the transfer outlasts the
# kills whatever the load, and the buffer fills: backpressure, no drop.
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_relay LISTEN TARGET: a relay, listening once this returns; its
# python's PID in RELAY.
start_relay() {
    rm -f relay.pid
    spawn python3 "$SCRIPTS/bridge_relay.py" "$1" "$2" relay.pid
    wait_until 20 "the relay listening" test -s relay.pid
    RELAY=$(cat relay.pid)
}

# stop_relay: kills the relay, cutting every link through it, and waits
# until it is gone (its port or socket free again).
stop_relay() {
    kill -KILL "$RELAY"
    wait_until 20 "the relay gone" eval "! kill -0 $RELAY 2>/dev/null"
}

head -c 8000000 /dev/urandom > in
SPAWN_TIMEOUT=120

# through KIND RECEIVER_AT RELAY_AT RELAY_TARGET SENDER_TO
through() {
    local kind=$1 receiver_at=$2 relay_at=$3 target=$4 sender_to=$5 receiver sender reader i links
    rm -f src dst got
    "$F" mk src dst
    spawn "$F" bridge -v "$receiver_at" dst 2> receiver.err
    receiver=$SPAWNED
    spawn bash -c "cat dst > got"
    reader=$SPAWNED
    start_relay "$relay_at" "$target"
    spawn "$F" bridge --once --rate-limit 2M --replay-buffer 1M src "$sender_to"
    sender=$SPAWNED
    spawn bash -c "cat in > src"
    for i in 1 2 3 4 5 6; do
        sleep 0.4
        stop_relay
        start_relay "$relay_at" "$target"
    done
    finish "$sender"
    eq 0 "$STATUS" "$kind: the sender ends once everything is acknowledged"
    finish "$receiver"
    eq 0 "$STATUS" "$kind: the receiver ends with the end of file"
    finish "$reader"
    eq "$(stat -c %s in)" "$(stat -c %s got)" "$kind: as many bytes arrived as were sent"
    eq "$(sha256sum < in)" "$(sha256sum < got)" "$kind: the same bytes, nothing lost or duplicated"
    links=$(grep -c ': linked$' receiver.err || true)
    [ "$links" -gt 1 ] || fail "$kind: the receiver linked only $links time(s): $(cat receiver.err)"
    ok "$kind: the receiver linked $links times"
    stop_relay
}

a=$(free_port)
b=$(free_port)
through tcp "tcp-listen:$a" "tcp:$b" "tcp:$a" "tcp:127.0.0.1:$b"
through unix unix-listen:receiver.sock unix:relay.sock unix:receiver.sock unix:relay.sock
