# A bridge reaches a unix: socket as an open reaches a FIFO: in a
# world-writable sticky directory, through no symlink of another user, at
# the last name or on the way. uid 65534 plants shared/svc.sock -> the
# socket of root's private receiving bridge, and shared/dir -> its
# directory: root's bridge to either path must not take root's stream to
# that private receiver (whose peer, root, the kernel vouches for). Root's
# own link there is followed. Nor is a --key read through uid 65534's link
# (to a root-only file whose bytes that user knows, it would let them prove
# root's key).
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root
need setpriv

mkdir -m 700 priv
mkdir -m 1777 shared
SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > priv/got' - "$F" bridge --once unix-listen:priv/in.sock -
receiver=$SPAWNED
wait_until 20 "root's private receiver" test -S priv/in.sock
"${AS_NOBODY[@]}" ln -s "$T/priv/in.sock" shared/svc.sock
"${AS_NOBODY[@]}" ln -s "$T/priv" shared/dir
refusal="refusing to follow a symlink of uid 65534 in a world-writable sticky directory"

echo injected > data
expect_fail 1 "fifo bridge: unix:shared/svc.sock: $refusal" \
    "$F" bridge --once --retry 5s data unix:shared/svc.sock
expect_fail 1 "fifo bridge: unix:shared/dir/in.sock: $refusal" \
    "$F" bridge --once --retry 5s data unix:shared/dir/in.sock

ln -s "$T/priv/in.sock" shared/mine.sock
echo own > data
run "$F" bridge --once --retry 5s data unix:shared/mine.sock
eq 0 "$STATUS" "root's own link is followed (stderr: $ERR)"
finish "$receiver"
eq "0 own" "$STATUS $(cat priv/got)" "the private receiver got root's own stream, and only that"

printf '%s\n' "bytes of root's that uid 65534 knows" > priv/key
chmod 600 priv/key
"${AS_NOBODY[@]}" ln -s "$T/priv/key" shared/key
expect_fail 1 "fifo bridge: 'shared/key': $refusal" \
    "$F" bridge --once --retry 0 --key shared/key data tcp:127.0.0.1:1

# Nor does a listening bridge make its socket through uid 65534's link on
# the way (it was bound by path: root's socket landed in root's private
# directory, wherever the link led), and its socket is made and removed in
# the very directory looked at.
expect_fail 1 "fifo bridge: unix-listen:shared/dir/out.sock: $refusal" \
    "$F" bridge --once --retry 5s unix-listen:shared/dir/out.sock -
[ ! -e priv/out.sock ] || fail "a socket was made behind uid 65534's link"
ok "no socket made behind the link"
SPAWN_TIMEOUT=60 spawn bash -c 'exec "$@" > got-own' - "$F" bridge --once unix-listen:shared/own.sock -
receiver=$SPAWNED
wait_until 20 "root's receiver in the shared directory" test -S shared/own.sock
echo shared > data
run "$F" bridge --once --retry 5s data unix:shared/own.sock
eq 0 "$STATUS" "a socket made in the sticky directory itself is reached (stderr: $ERR)"
finish "$receiver"
eq "0 shared" "$STATUS $(cat got-own)" "its receiver got the stream"
[ ! -e shared/own.sock ] || fail "the listener left its socket behind"
ok "the listener removed its socket when it ended"
