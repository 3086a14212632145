# A call made before its server starts waits for it and is answered, also
# while the server is making its call socket. The socket appears at its
# name only once it has the FIFO's permission bits: made there with none
# at first, it refused a waiting call ("Permission denied") instead of
# keeping it waiting. strace holds the server for 2 s as it sets the
# socket's mode, the moment that was open. Run as uid 65534 when root
# (root passes every permission check).
# needs: strace
source "$(dirname "$0")/lib.sh"
need strace
strace -f -o /dev/null -e inject=chmod:delay_enter=1000 true 2> /dev/null ||
    skip "this strace cannot delay a system call (-e inject=...:delay_enter)"

as=()
if [ "$(id -u)" = 0 ]; then
    as=("${AS_NOBODY[@]}")
fi
mkdir -m 1777 d
"${as[@]}" "$F" mk d/q
spawn bash -c "exec ${as[*]} '$F' call -t 60s d/q hello > call.out 2> call.err"
caller=$SPAWNED
# The caller has looked for a server and found none: it sleeps between looks.
caller_waits() {
    local pid
    pid=$(fifo_pid "$caller") && sleeping_syscall "$pid" > /dev/null
}
wait_until 20 "the caller to wait for a server" caller_waits
# -n 1: the server ends after the call (a server left running outlives
# the scenario: the spawned timeout is killed, not strace's child).
spawn bash -c "exec ${as[*]} strace -f -o /dev/null -e inject=chmod:delay_enter=2000000 \
    '$F' serve -n 1 d/q -- tr a-z A-Z 2> serve.err"
server=$SPAWNED
finish "$caller"
eq "0 HELLO ||" "$STATUS $(cat call.out) |$(cat call.err)|" \
    "the call is answered, not refused while the socket is being made"
finish "$server"
eq "0 " "$STATUS $(cat serve.err)" "the server ends after its one call"
eq "q" "$(ls -A d)" "nothing is left beside the FIFO, under either name"
