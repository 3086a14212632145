# A FIFO whose call socket's path fits a Unix socket's address (at most
# 107 bytes on Linux) is served, however long the hidden name the socket
# is first made under (`.NAME.sock.PID`, 2 + digits of the pid bytes
# longer) would be: serve refused PATHs of 93 to 102 bytes ("path must be
# shorter than SUN_LEN"), which the server before the hidden name served,
# and which of them it refused changed with the digits of its pid.
source "$(dirname "$0")/lib.sh"

# serve_call NAME: serve the FIFO NAME once, call it, and see nothing left.
serve_call() {
    local name=$1
    "$F" mk "$name"
    spawn bash -c "exec '$F' serve -n 1 '$name' -- tr a-z A-Z 2> ../serve.err"
    run "$F" call -t 15s "$name" hello
    eq "0 HELLO" "$STATUS $OUT" "a ${#name}-byte name ($2): the call is answered"
    finish "$SPAWNED"
    eq "0 " "$STATUS $(cat ../serve.err)" "a ${#name}-byte name ($2): serve ends well"
    eq "$name" "$(ls -A)" "a ${#name}-byte name ($2): only the FIFO is left"
    rm -f "$name"
}

# A bare name in the working directory: the longest PATH.sock.
mkdir d
cd d
long=$(printf 'q%.0s' $(seq 102))
# PATH.sock is 107 bytes: the longest path a socket can be bound at.
serve_call "$long" "PATH.sock 107 bytes"
serve_call "${long:0:93}" "PATH.sock 98 bytes"
