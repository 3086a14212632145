# A call made before its server starts waits for it and is answered, also
# while the server is making its call socket. The socket appears at its
# name only once it has the FIFO's permission bits: made there with none
# at first, it refused a waiting call ("Permission denied") instead of
# keeping it waiting. strace stops the server after each step of making
# its socket (bind, chown, chmod, link), and lets it go on only once the
# caller has looked for the socket again. Run as uid 65534 when root (root
# passes every permission check).
# needs: strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need strace

as=()
if [ "$(id -u)" = 0 ]; then
    as=("${AS_NOBODY[@]}")
fi
mkdir -m 1777 d
mkdir -m 777 traces
: > traces/call
chmod 666 traces/call
"${as[@]}" "$F" mk d/q
SPAWN_TIMEOUT=180 spawn bash -c "exec ${as[*]} strace -f -qq -o traces/call -e trace=openat,connect \
    '$F' call -t 150s d/q hello > call.out 2> call.err"
caller=$SPAWNED
# looks: how many times the caller has looked for the socket.
looks() { grep -c '"q\.sock"' traces/call || true; }
# The caller has looked for a server and found none: it waits between looks.
LOOKS=0
# looked_again: the caller looked once more since LOOKS, or has connected
# (it then waits for the reply and looks no more: it may have found the
# linked socket before the scenario saw the server stop), or has ended.
looked_again() {
    (($(looks) > LOOKS)) || grep 'connect(' traces/call > /dev/null || ! alive "$caller"
}
wait_until 20 "the caller to look for a server" looked_again
caller_looks_again() {
    LOOKS=$(looks)
    wait_until 60 "the caller to look again while the server is stopped at [$STOP_CALL]" looked_again
}
# -n 1: the server ends after the call.
spawn_stopping bind,fchownat,chmod,linkat "${as[@]}" "$F" serve -n 1 d/q -- tr a-z A-Z 2> serve.err
finish_stopping caller_looks_again
eq "0 " "$STATUS $(grep -v '^strace' serve.err)" "the server ends after its one call"
((STOPS_SEEN >= 3)) || fail "the server stopped only $STOPS_SEEN times while making its socket"
ok "the caller looked again at each of the server's $STOPS_SEEN steps"
finish "$caller"
eq "0 HELLO ||" "$STATUS $(cat call.out) |$(grep -v '^strace' call.err)|" \
    "the call is answered, not refused while the socket is being made"
eq "q" "$(ls -A d)" "nothing is left beside the FIFO, under either name"
