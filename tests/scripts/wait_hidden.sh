# fifo wait --reader/--writer (and stat --wait-*) when the peer is another
# user's process, which this user cannot inspect: the wait never reports a
# timeout (124) that may not have happened; it says it cannot tell, status
# 1, one line. Users who can see the peer still see it, and nobody's open
# is disturbed by the looking.
# needs: root setpriv
# needs: linux   # peers are seen in /proc
source "$(dirname "$0")/lib.sh"
need_root

# uid 65534 reads a shared FIFO: blocked in open(2), waiting for a writer.
OTHER=(setpriv --reuid=65533 --regid=65533 --clear-groups)
mkfifo -m 666 q
chmod 777 "$T"
spawn "${AS_NOBODY[@]}" bash -c 'exec cat q > got'
reader=$SPAWNED
blocked_in_open "$reader"
# uid 65533 cannot see it: cannot tell, not a timeout.
expect_fail 1 "fifo wait: 'q': cannot tell: no reader seen in 300ms, but processes of other users that may hold it cannot be inspected" \
    "${OTHER[@]}" "$F" wait --reader -t 300ms q
expect_fail 1 "fifo stat: 'q': cannot tell: no reader seen in 300ms, but processes of other users that may hold it cannot be inspected" \
    "${OTHER[@]}" "$F" stat --wait-reader -t 300ms q
expect_fail 1 "fifo wait: 'q': cannot tell: no writer seen in 300ms, but processes of other users that may hold it cannot be inspected" \
    "${OTHER[@]}" "$F" wait --writer -t 300ms q
# root and the reader's own user see it.
run "$F" wait --reader -t 5s q
eq "0 " "$STATUS $ERR" "root sees uid 65534's reader"
run "${AS_NOBODY[@]}" "$F" wait --reader -t 5s q
eq "0 " "$STATUS $ERR" "uid 65534 sees its own reader"
# A FIFO private to uid 65533 cannot be held unseen: a plain timeout there.
mkfifo -m 600 mine
chown 65533:65533 mine
expect_fail 124 "fifo wait: 'mine': timed out after 200ms waiting for a writer" \
    "${OTHER[@]}" "$F" wait --writer -t 200ms mine
# The reader was never disturbed: still blocked in open, and it meets its
# writer.
in_open "$reader" || fail "the reader is no longer blocked in open after the waits"
"$F" send q 'for the hidden reader'
finish "$reader"
eq "0 for the hidden reader" "$STATUS $(cat got)" "the reader still meets its writer"
