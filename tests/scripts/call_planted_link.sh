# fifo call never follows a symlink that another user put at PATH.sock: in
# a shared directory uid 65534 plants a FIFO of its own and, beside it, a
# symlink to the call socket of root's private service (which uid 65534
# may not call). Root's call of the shared path must not reach that
# service as root. A symlink of the caller's own is still followed. Nor is
# another user's symlink on the way: shared/dir -> root's private directory.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root
need setpriv

mkdir -m 700 priv
mkdir -m 1777 shared
"$F" mk priv/svc
spawn "$F" serve priv/svc -- tr a-z A-Z
server=$SPAWNED
wait_until 10 "the private call socket" call_socket_ready priv/svc.sock
"${AS_NOBODY[@]}" sh -c "mkfifo -m 622 shared/svc && ln -s '$T/priv/svc.sock' shared/svc.sock"

expect_fail 1 "fifo call: 'shared/svc.sock': refusing to use the call socket: a symlink of uid 65534 is in its place" \
    "$F" call -t 10s shared/svc "rotate keys"

"${AS_NOBODY[@]}" ln -s "$T/priv" shared/dir
expect_fail 1 "fifo call: 'shared/dir/svc.sock': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
    "$F" call -t 10s shared/dir/svc "on the way"

mkfifo mine
ln -s "$T/priv/svc.sock" mine.sock
run "$F" call -t 10s mine "own link"
eq "0 OWN LINK" "$STATUS $OUT" "root's own symlink is followed"
kill -TERM "$server"
finish "$server"
