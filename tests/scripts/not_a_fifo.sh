# A path that is not a FIFO is refused as what it is, before any byte moves:
# a Unix socket makes open(2) fail with ENXIO, the very error that means
# "no reader" for a FIFO, so the type is looked at first. It is never "no
# reader" (status 3), never skipped by tee --no-wait, never a bare errno.
source "$(dirname "$0")/lib.sh"
need python3

python3 -c 'import socket; socket.socket(socket.AF_UNIX).bind("sock")'
[ -S sock ] || fail "python3 made no socket"
ln -s sock link-to-sock
said="not a fifo (it is a socket)"

for path in sock link-to-sock; do
    expect_fail 1 "fifo send: '$path': $said" "$F" send --no-wait "$path" hi
    expect_fail 1 "fifo send: '$path': $said" "$F" send "$path" hi
    expect_fail 1 "fifo send: '$path': $said" "$F" send -t 1s "$path" hi
    expect_fail 1 "fifo cat: '$path': $said" "$F" cat "$path"
    expect_fail 1 "fifo cat: '$path': $said" "$F" cat -t 1s "$path"
    expect_fail 1 "fifo cat: '$path': $said" "$F" cat --merge "$path"
    expect_fail 1 "fifo redirect: '$path': $said" "$F" redirect --fd 3 --write "$path" -- true
    expect_fail 1 "fifo redirect: '$path': $said" "$F" redirect --fd 3 --read "$path" -- true
    expect_fail 1 "fifo redirect: '$path': $said" "$F" redirect --fd 3 --rw "$path" -- true
done
expect_fail 1 "fifo send: 'sock': already exists and is not a fifo (it is a socket)" "$F" send --create sock hi
expect_fail 1 "fifo cat: 'sock': already exists and is not a fifo (it is a socket)" "$F" cat --create sock

# tee: the socket is an output that failed (status 1, one line), stdout
# still gets everything, with and without --no-wait.
for flag in --no-wait ""; do
    STATUS=0
    printf 'data\n' | timeout 20 "$F" tee $flag sock > out 2> err || STATUS=$?
    eq 1 "$STATUS" "tee $flag sock: status"
    eq "fifo tee: 'sock': $said" "$(cat err)" "tee $flag sock: message"
    eq data "$(cat out)" "tee $flag sock: stdout got the data"
done
