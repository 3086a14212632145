# The stash of counted framed readers ($TMPDIR/fifo-UID) is never one
# another user made, and another user cannot stop it: in a sticky
# world-writable TMPDIR (like /tmp), a directory or symlink uid 65534
# planted under root's name, or under a name mkdtemp could give
# (fifo-0.XXXXXX), is passed over; root's readers keep their stash in a
# private fifo-0.XXXXXX of their own and find it again; nothing is written
# into or read from what uid 65534 made; uid 65534's readers keep a stash
# of their own.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
export TMPDIR=$T/shared
mkfifo -m 666 q
exec 3<> q
"${AS_NOBODY[@]}" mkdir -m 700 shared/fifo-0 shared/theirs

# A reader whose stdout is full keeps the message it failed on and those
# after it.
printf 'a\nb\nc\nd\n' | "$F" send --frame -l q
run bash -c "exec '$F' cat --frame q > /dev/full"
eq 1 "$STATUS" "a framed reader on /dev/full fails"
ours=$(find shared -maxdepth 1 -user 0 -name 'fifo-0.??????')
[ -n "$ours" ] || fail "no private stash was made beside uid 65534's fifo-0: $(ls -la shared)"
eq "700 0" "$(mode_of "$ours") $(stat -c %u "$ours")" "the stash made beside it is root's, 0700"
file=$(find "$ours" -name 'frames-*')
[ -n "$file" ] || fail "nothing was kept in $ours"
ok "the messages were kept in $ours"
eq "" "$(ls -A shared/fifo-0)" "nothing was written into uid 65534's directory"

# uid 65534 plants a directory under a name mkdtemp could have given, with
# a file under the stash file's name, sorted before root's.
"${AS_NOBODY[@]}" mkdir -m 755 shared/fifo-0.000000
"${AS_NOBODY[@]}" bash -c "echo forged > 'shared/fifo-0.000000/$(basename "$file")'"
run "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "root's next counted reader finds its stash, not uid 65534's"

# uid 65534's symlink under root's name, to their own directory.
"${AS_NOBODY[@]}" rmdir shared/fifo-0
"${AS_NOBODY[@]}" ln -s theirs shared/fifo-0
run "$F" cat --frame -l 1 q
eq "0 b" "$STATUS $OUT" "past a planted symlink, the next reader finds the stash too"
eq "" "$(ls -A shared/theirs)" "nothing was written through the symlink"

# The other user's counted reader makes and uses a stash of its own: it
# never sees c and d, which root's stash holds.
printf 'x\ny\n' | "$F" send --frame -l q
run "${AS_NOBODY[@]}" "$F" cat --frame -l 1 q
eq "0 x" "$STATUS $OUT" "uid 65534 reads the FIFO's first message"
[ -d shared/fifo-65534 ] || fail "uid 65534 has no stash of its own"
run "$F" cat --frame -l 1 q
eq "0 c" "$STATUS $OUT" "root reads its stash's messages"
run "$F" cat --frame -l 1 q
eq "0 d" "$STATUS $OUT" "root reads its stash's last message"
run "$F" cat --frame -l 1 q
eq "0 y" "$STATUS $OUT" "then the FIFO's next"
eq forged "$(cat "shared/fifo-0.000000/$(basename "$file")")" "uid 65534's file was not taken"
