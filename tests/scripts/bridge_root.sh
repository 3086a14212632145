# unix-listen accepts only its own user, as the kernel tells it
# (SO_PEERCRED), whatever the socket's permissions: uid 65534 connecting to
# root's listener through a socket anyone may open is refused with one line
# on each side, and the listener goes on serving; --allow-uid 65534 lets
# that user in.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

chmod 755 "$T"
mkdir pub
chmod 777 pub
seq 1000 > pub/data
chmod 644 pub/data
"$F" mk dst
# The socket is made for its owner only (whatever the umask): a user the
# kernel keeps out is told so at once, not retried.
spawn bash -c "umask 000; exec '$F' bridge unix-listen:pub/sock dst 2> receiver.err"
receiver=$SPAWNED
spawn bash -c "cat dst > got"
reader=$SPAWNED
wait_until 20 "the listener" test -S pub/sock
eq 700 "$(stat -c %a pub/sock)" "under umask 000 the socket is its owner's only"
expect_fail 1 "fifo bridge: unix:pub/sock: cannot connect: Permission denied" \
    "${AS_NOBODY[@]}" "$F" bridge --once pub/data unix:pub/sock
# Opened to all: only the uid check stands in the way.
chmod 777 pub/sock
expect_fail 1 "unix:pub/sock: refused by the peer: uid 65534 is not allowed to connect" \
    "${AS_NOBODY[@]}" "$F" bridge --once --retry 5s pub/data unix:pub/sock
eq "fifo bridge: unix-listen:pub/sock: uid 65534 is not allowed to connect; dropped" \
    "$(cat receiver.err)" "the listener says whom it turned away, in one line"
run "$F" bridge --once pub/data unix:pub/sock
eq 0 "$STATUS" "the listener still serves its own user"
finish "$receiver"
finish "$reader"
eq "$(seq 1000)" "$(cat got)" "its own user's stream came through"

rm -f got
spawn bash -c "umask 077; exec '$F' bridge --allow-uid 65534 unix-listen:pub/sock2 dst"
receiver=$SPAWNED
spawn bash -c "cat dst > got"
reader=$SPAWNED
wait_until 20 "the listener" test -S pub/sock2
eq 777 "$(stat -c %a pub/sock2)" "with --allow-uid, under umask 077, anyone may connect"
run "${AS_NOBODY[@]}" "$F" bridge --once pub/data unix:pub/sock2
eq 0 "$STATUS" "--allow-uid 65534: that user may send (stderr: $ERR)"
finish "$receiver"
finish "$reader"
eq "$(seq 1000)" "$(cat got)" "--allow-uid 65534: its stream came through"
