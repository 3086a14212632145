# redirect finds CMD in PATH as bash does: a PATH directory this user cannot
# search holds nothing (command not found, 127, not "Permission denied",
# 126), an executable further on is found, and a file that exists but
# cannot be executed is Permission denied (126), as bash says.
source "$(dirname "$0")/lib.sh"

mkfifo -m 666 r
# Searchable by root alone (root runs the checks as uid 65534); an ordinary
# user is refused by mode 000 as its owner.
mkdir closed open
echo 'echo found' > open/tool
chmod 755 open/tool open
echo 'echo never' > open/plain
chmod 644 open/plain
chmod 000 closed
chmod 755 "$T"
path="$T/closed:$T/open:/usr/bin:/bin"

expect_fail 127 "fifo redirect: 'no-such-command': command not found" \
    "${UNPRIVILEGED[@]}" env PATH="$path" "$F" redirect --fd 3 --rw r -- no-such-command
run "${UNPRIVILEGED[@]}" env PATH="$path" "$F" redirect --fd 3 --rw r -- tool
eq "0 found" "$STATUS $OUT" "an executable after a directory it cannot search is found"
expect_fail 126 "fifo redirect: 'plain': Permission denied" \
    "${UNPRIVILEGED[@]}" env PATH="$path" "$F" redirect --fd 3 --rw r -- plain
chmod 755 closed
