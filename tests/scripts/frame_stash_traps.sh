# The stash of counted framed readers under hostile use: complete messages
# a reader could not write out (stdout on /dev/full), the one it failed on
# included when none of its bytes went out, are handed out by the
# next reader, no more than -l N of them, also at end of file and with the
# FIFO empty; a FIFO planted in the stash file's place is refused, not
# waited on; a reader whose --max-pending the stash exceeds leaves it in
# place; an unusable TMPDIR is refused before a byte is read; and a counted
# reader of a regular file says what it drops instead of claiming to keep it.
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T
STASH=$T/fifo-$(id -u)
stashed() { find "$STASH" -name 'frames-*' 2>/dev/null | wc -l; }
buffered() { "${FS[@]}" stat -c %{buffered} q; }
# For wait_until, which expands its arguments once.
# A big message of BIG bytes: BEGIN of them are sent before the rest, and
# at least SEEN reach the FIFO. The portable engine's pipe stays at 64 KiB
# (no capacity raise): there the whole message must fit in it.
BIG=300000 BEGIN=100000 SEEN=65536
[ "${FIFO_PORTABLE:-}" != 1 ] || BIG=50000 BEGIN=20000 SEEN=16000
buffered_at_least() { [ "$(buffered)" -ge "$1" ]; }
file_at_least() { [ "$(stat -c %s file)" -ge "$1" ]; }

mkfifo q in
# The test holds a write end (descriptor 3) so readers neither wait in
# their open nor see end of file between writers.
exec 3<> q

# A reader whose stdout is full fails on the first message and leaves all
# four, complete, in the stash: none of the first one's bytes went out.
printf 'a\nb\nc\nd\n' | "$F" send --frame -l q 3>&-
run bash -c "exec '$F' cat --frame q > /dev/full"
eq 1 "$STATUS" "stdout on /dev/full: status 1"
eq "fifo cat: standard output: write error: No space left on device" "$ERR" "it says why"
eq 1 "$(stashed)" "the messages not written are kept"
echo e | "$F" send --frame q 3>&-
run "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "-l 1 takes exactly one message from the stash, the one the write failed on"
eq 38 "$(buffered)" "and leaves the FIFO's message in it"
for next in b c d; do
    run "$F" cat --frame -l 1 q
    eq "0 $next" "$STATUS $OUT" "the next -l 1 takes the next, $next"
done
run "$F" cat --frame -l 1 q
eq "0 e" "$STATUS $OUT" "then the FIFO's message"

# With the FIFO empty (a writer holds it open) a stash of complete messages
# is handed out at once; at end of file, too, none is dropped unsaid.
printf 'a\nb\nc\n' | "$F" send --frame -l q 3>&-
run bash -c "exec '$F' cat --frame q > /dev/full"
eq 1 "$STATUS" "stdout on /dev/full again: status 1"
run "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "-l 1 with the FIFO empty takes a stashed message, without waiting"
# The FIFO with no writer left: end of file at once.
exec 3>&-
spawn bash -c "exec '$F' cat --frame q > out"
reader=$SPAWNED
blocked_in_open "$reader"
: > q
finish "$reader"
eq "0 b
c" "$STATUS $(cat out)" "at end of file the stashed messages are printed, not lost"
eq 0 "$(stashed)" "the stash is empty again"
exec 3<> q

# A FIFO planted where the stash file goes is refused, not waited on.
printf 'a\nb\n' | "$F" send --frame -l q 3>&-
run bash -c "exec '$F' cat --frame q > /dev/full"
file=$(find "$STASH" -name 'frames-*')
rm "$file"
mkfifo "$file"
expect_fail 1 "fifo cat: '$file': refusing a stash file that is not a regular file of this user" \
    "$F" cat --frame -l 1 q
rm "$file"

# A writer half through a big message while another sends a small one: -l 1
# keeps the big one's first chunks. A reader whose --max-pending they
# exceed is refused and leaves them; the next one prints the message whole.
head -c "$BIG" /dev/urandom > big
# Descriptor 4 writes the big message's stdin; opened read-write first
# so that neither end waits for the other.
exec 4<> in
spawn "$F" send --frame q < in 3>&- 4>&-
writer=$SPAWNED
head -c "$BEGIN" big >&4
wait_until 10 "the big message's first chunks" buffered_at_least "$SEEN"
echo small | "$F" send --frame q 3>&-
run "$F" cat --frame -l 1 q
eq "0 small" "$STATUS $OUT" "-l 1 takes the small message"
eq 1 "$(stashed)" "the big message's first chunks are in the stash"
expect_fail 1 "fifo cat: 'q': unfinished messages would hold more than 1000 bytes in memory" \
    "$F" cat --frame -l 1 --max-pending 1000 q
eq 1 "$(stashed)" "a reader with too small a --max-pending leaves the stash"

# An unusable TMPDIR is refused before a byte of the FIFO is read.
before=$(buffered)
TMPDIR=$T/nowhere expect_fail 1 "fifo cat: '$T/nowhere/fifo-$(id -u)': cannot create directory: No such file or directory" \
    "$F" cat --frame -l 1 q
eq "$before" "$(buffered)" "nothing was read"
tail -c +$((BEGIN + 1)) big >&4
exec 4>&-
finish "$writer"
"$F" cat --frame -l 1 q > got
cmp big got || fail "the big message did not arrive whole"
ok "the next reader prints the big message whole"

# A regular file holding interleaved messages: a counted reader that stops
# with the big one begun cannot keep it (a file's next reader does not
# start where it stopped), and says it drops it.
spawn bash -c "cat q > file" 3>&-
capture=$SPAWNED
exec 4<> in
spawn "$F" send --frame q < in 3>&- 4>&-
writer=$SPAWNED
head -c 10000 big >&4
wait_until 10 "the big message's first chunks" file_at_least 8192
echo small | "$F" send --frame q 3>&-
head -c 30000 big | tail -c 20000 >&4
exec 4>&-
finish "$writer"
exec 3>&-
finish "$capture"
run "$F" cat --frame -l 1 file
eq "1 small" "$STATUS $OUT" "-l 1 of a file prints the small message, status 1"
dropped="^fifo cat: 'file': dropped 1 unfinished message \(([0-9]+) bytes received\): the reading stopped before their last chunks came$"
[[ "$ERR" =~ $dropped ]] || fail "the warning: [$ERR]"
ok "it says it drops the big message's first chunks"
eq 0 "$(stashed)" "nothing is stashed for a file"
