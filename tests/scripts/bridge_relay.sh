# fifo bridge through a relay (bridge_relay.py) that is killed and started
# again six times during the transfer, over TCP and over Unix sockets:
# every byte arrives, once (sha256 and size equal), and the bridges did
# link again after every kill (the receiver's -v says "linked" seven
# times). The data goes in parts, each only once the kill before it was
# made, so the transfer outlasts the kills whatever the load; each kill
# waits for the link before it and for data on it. The sender reads at
# 2 MB/s with a 1 MiB replay buffer, so the buffer fills: backpressure, no
# drop.
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
# Six parts of PART bytes and the rest; part K + 1 goes once go.K is there.
PART=1000000
SPAWN_TIMEOUT=120

# links: how many times the receiver has linked so far.
links() { grep -c ': linked$' receiver.err || true; }
# linked N: whether the receiver has linked N times.
linked() { [ "$(links)" -ge "$1" ]; }
# arrived N: the reader's file got holds at least N bytes.
arrived() { [ "$(stat -c %s got 2> /dev/null || echo 0)" -ge "$1" ]; }

# through KIND RECEIVER_AT RELAY_AT RELAY_TARGET SENDER_TO
through() {
    local kind=$1 receiver_at=$2 relay_at=$3 target=$4 sender_to=$5 receiver sender reader i
    rm -f src dst got go.*
    "$F" mk src dst
    spawn "$F" bridge -v "$receiver_at" dst 2> receiver.err
    receiver=$SPAWNED
    spawn bash -c "cat dst > got"
    reader=$SPAWNED
    start_relay "$relay_at" "$target"
    spawn "$F" bridge -v --once --rate-limit 2M --replay-buffer 1M src "$sender_to" 2> sender.err
    sender=$SPAWNED
    # shellcheck disable=SC2016
    spawn bash -c '
        exec 3< in > src
        for ((k = 0; k < 6; k++)); do
            head -c "$1" <&3
            until [ -e "go.$k" ]; do sleep 0.05; done
        done
        cat <&3' writer "$PART"
    for ((i = 0; i < 6; i++)); do
        wait_until 30 "$kind: link $((i + 1))" linked $((i + 1))
        wait_until 30 "$kind: part $((i + 1)) to arrive" arrived $((i * PART + 1))
        stop_relay
        start_relay "$relay_at" "$target"
        touch "go.$i"
    done
    finish "$sender"
    [ "$STATUS" = 0 ] || fail "$kind: the sender ends once everything is acknowledged: status $STATUS; its last lines: $(tail -n 5 sender.err)"
    ok "$kind: the sender ends once everything is acknowledged"
    finish "$receiver"
    [ "$STATUS" = 0 ] || fail "$kind: the receiver ends with the end of file: status $STATUS; its last lines: $(tail -n 5 receiver.err)"
    ok "$kind: the receiver ends with the end of file"
    finish "$reader"
    eq "$(stat -c %s in)" "$(stat -c %s got)" "$kind: as many bytes arrived as were sent"
    eq "$(sha256sum < in)" "$(sha256sum < got)" "$kind: the same bytes, nothing lost or duplicated"
    linked 7 || fail "$kind: the receiver linked $(links) time(s), not 7: $(cat receiver.err)"
    ok "$kind: the receiver linked $(links) times, again after each of the six kills"
    stop_relay
}

a=$(free_port)
b=$(free_port)
through tcp "tcp-listen:$a" "tcp:$b" "tcp:$a" "tcp:127.0.0.1:$b"
through unix unix-listen:receiver.sock unix:relay.sock unix:receiver.sock unix:relay.sock
