# The stash of counted framed readers ($TMPDIR/fifo-UID) is never one
# another user made: in a sticky world-writable TMPDIR (like /tmp), a
# directory or symlink another user planted under root's name is refused
# by a counted reader before a byte is read (another reads on), and the
# other user's readers keep a stash of their own.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
mkfifo -m 666 q
exec 3<> q
"${AS_NOBODY[@]}" mkdir -m 700 shared/fifo-0
TMPDIR=$T/shared expect_fail 1 \
    "fifo cat: '$T/shared/fifo-0': refusing to keep unfinished messages in a directory of uid 65534" \
    "$F" cat --frame -l 1 q
printf 'x\n' | "$F" send --frame q
run env TMPDIR="$T/shared" "$F" cat --frame --idle 1s q
eq "0 x" "$STATUS $OUT" "a reader that leaves nothing behind reads on"
"${AS_NOBODY[@]}" rmdir shared/fifo-0
"${AS_NOBODY[@]}" mkdir -m 700 shared/theirs
"${AS_NOBODY[@]}" ln -s theirs shared/fifo-0
TMPDIR=$T/shared expect_fail 1 \
    "fifo cat: '$T/shared/fifo-0': refusing to keep unfinished messages in a symlink or not a directory" \
    "$F" cat --frame -l 1 q
eq "" "$(ls -A shared/theirs)" "nothing was written through the symlink"

# The other user's counted reader makes and uses a stash of its own.
"${AS_NOBODY[@]}" rm shared/fifo-0
printf 'a\nb\n' | "$F" send --frame -l q
run "${AS_NOBODY[@]}" env TMPDIR="$T/shared" "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "uid 65534 reads one message"
run env TMPDIR="$T/shared" "$F" cat --frame -l 1 q
eq "0 b" "$STATUS $OUT" "root reads the next"
