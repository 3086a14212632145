# A peer that connects to a listening bridge and hangs up without reading
# its hello (a port scanner, a health check) resets the link: the bridge
# says so in the system's words, as every message does, never with Rust's
# "(os error 104)" suffix, and goes on serving.
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

spawn "$F" bridge --once unix-listen:s.sock - > got 2> err
receiver=$SPAWNED
wait_until 20 "the listener" test -S s.sock
python3 -c '
import select, socket
s = socket.socket(socket.AF_UNIX)
s.connect("s.sock")
# Its hello arrives and is never read: the close resets the link.
assert select.select([s], [], [], 20)[0], "no hello"
s.close()'
wait_until 20 "the drop reported" grep -q "left during the handshake" err
eq "fifo bridge: unix-listen:s.sock: the peer left during the handshake: Connection reset by peer; dropped" \
    "$(cat err)" "the reset is one line in the system's words"
echo hello > data
run "$F" bridge --once data unix:s.sock
eq 0 "$STATUS" "the next peer is served (stderr: $ERR)"
finish "$receiver"
eq 0 "$STATUS" "the receiver ends 0"
eq hello "$(cat got)" "the stream came through"
