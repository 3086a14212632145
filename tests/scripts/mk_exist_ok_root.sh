# fifo mk --exist-ok run by root in a world-writable sticky directory where
# another user (uid 65534) made the name first: their FIFO (mode 0666,
# which they read) or their symlink to a FIFO of theirs is refused with one
# line, status 1, as cat --create and send --create refuse it; root would
# otherwise go on to send its data into the attacker's FIFO, told that all
# is well. Root's own FIFO is accepted as before, and so is another user's
# FIFO outside such a directory.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
"${AS_NOBODY[@]}" mkfifo -m 666 shared/jobs
mkdir -m 777 open
"${AS_NOBODY[@]}" mkfifo -m 666 open/theirs
"${AS_NOBODY[@]}" ln -s "$T/open/theirs" shared/link

expect_fail 1 "fifo mk: 'shared/jobs': refusing a FIFO owned by another user in a world-writable sticky directory" \
    "$F" mk --exist-ok shared/jobs
expect_fail 1 "fifo mk: 'shared/link': refusing a symlink in a world-writable sticky directory" \
    "$F" mk --exist-ok shared/link
eq "65534 666" "$(stat -c '%u %a' shared/jobs)" "the planted FIFO is left as it is"

"$F" mk shared/mine
run "$F" mk --exist-ok shared/mine
eq "0 " "$STATUS $ERR" "root's own FIFO there is accepted"
run "$F" mk --exist-ok open/theirs
eq "0 " "$STATUS $ERR" "another user's FIFO outside a sticky directory is accepted"
