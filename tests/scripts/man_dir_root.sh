# fifo man --dir run by root never writes where another user could
# redirect it: a directory of uid 65534 holding a symlink to a root-only
# file is refused, and the file keeps its content; in a sticky directory
# of root's, uid 65534's symlink under a page's name is replaced, not
# followed. The root-only half of man_dir.sh.
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root

echo "root's secret" > secret
chmod 600 secret
mkdir m
chown 65534:65534 m
"${AS_NOBODY[@]}" ln -s "$T/secret" m/fifo.1
"${AS_NOBODY[@]}" mkfifo m/fifo-cat.1
expect_fail 1 "fifo man: 'm': refusing to write into a directory of uid 65534" "$F" man --dir m
eq "root's secret" "$(cat secret)" "the root-only file keeps its content"
eq "fifo-cat.1 fifo.1" "$(ls m | tr '\n' ' ' | sed 's/ $//')" "nothing is written into uid 65534's directory"

mkdir -m 1777 shared
"${AS_NOBODY[@]}" ln -s "$T/secret" shared/fifo.1
run "$F" man --dir shared
eq "0 " "$STATUS $ERR" "man --dir in a sticky directory of root's: status"
eq "root's secret" "$(cat secret)" "the planted symlink was not followed"
[ -f shared/fifo.1 ] && [ ! -L shared/fifo.1 ] || fail "shared/fifo.1 is not root's page"
eq "0" "$(stat -c %u shared/fifo.1)" "fifo.1 is root's page"

# Nor does root's man --dir write through uid 65534's symlink in a sticky
# directory, as the directory itself or on the way: into root's private
# directory behind it, its pages would replace root's files there.
mkdir -m 700 private
"${AS_NOBODY[@]}" ln -s "$T/private" shared/docs
refusal="refusing to follow a symlink of uid 65534 in a world-writable sticky directory"
expect_fail 1 "fifo man: 'shared/docs': $refusal" "$F" man --dir shared/docs
mkdir private/man1
expect_fail 1 "fifo man: 'shared/docs/man1': $refusal" "$F" man --dir shared/docs/man1
eq "man1" "$(ls private)" "nothing is written behind uid 65534's link"
eq "" "$(ls private/man1)" "nothing is written behind uid 65534's link on the way"
