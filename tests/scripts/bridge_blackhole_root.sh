# A TCP link whose network goes silent (a cable pulled, a NAT that forgot
# the connection: here the loopback of a network namespace of its own,
# taken down) while the stream is idle is noticed by both bridges, through
# TCP keepalive probes that go unanswered, and connecting again through
# the dead network takes no longer than --retry allows: both end with 124
# and one line, the far reader sees end of file, instead of both waiting
# for ever. (With data in flight, TCP's own retransmission timeout
# applies.)
# needs: root ip ss linux
source "$(dirname "$0")/lib.sh"
need_root

ns=fifo-blackhole-$$
trap 'ip netns del "$ns" 2> /dev/null || true; cleanup' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
in_ns=(ip netns exec "$ns")
# idle: both ends of the link have everything acknowledged, and wait with
# their keepalive timer running (no retransmission pending).
idle() { [ "$("${in_ns[@]}" ss -tnoH state established | grep -c 'timer:(keepalive')" = 2 ]; }
listening() { "${in_ns[@]}" awk '$2 ~ ":1B58$" && $4 == "0A" {found = 1} END {exit !found}' /proc/net/tcp; }

"$F" mk src dst
SPAWN_TIMEOUT=120 spawn bash -c "cat dst > got"
reader=$SPAWNED
SPAWN_TIMEOUT=120 spawn "${in_ns[@]}" "$F" bridge --retry 3s tcp-listen:7000 dst 2> receiver.err
receiver=$SPAWNED
wait_until 20 "the listener" listening
SPAWN_TIMEOUT=120 spawn "${in_ns[@]}" "$F" bridge --retry 3s src tcp:127.0.0.1:7000 2> sender.err
sender=$SPAWNED
run "$F" send src hello
eq 0 "$STATUS" "a line sent into the bridge (stderr: $ERR)"
wait_until 20 "the line across the bridge" grep -q hello got
ok "the link carries the stream"
wait_until 20 "the idle link's keepalive timers" idle

ip -n "$ns" link set lo down
finish "$sender"
eq 124 "$STATUS" "the sender gives up once the network is dead"
eq "fifo bridge: tcp:127.0.0.1:7000: no connection for 3s, giving up" "$(cat sender.err)" \
    "the sender says so in one line"
finish "$receiver"
eq 124 "$STATUS" "the receiver gives up once the network is dead"
eq "fifo bridge: tcp-listen:7000: no connection for 3s, giving up" "$(cat receiver.err)" \
    "the receiver says so in one line"
finish "$reader"
eq 0 "$STATUS" "the far reader sees end of file"
eq hello "$(cat got)" "what came before the network died was written"
