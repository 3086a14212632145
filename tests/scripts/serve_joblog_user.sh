# fifo serve --joblog run by root, with the log's path in reach of another
# user (uid 65534): a symlink that user planted is not followed (root's
# private file is left untouched), and a file of that user's is not
# written (it could read what root logs).
# needs: root setpriv
source "$(dirname "$0")/lib.sh"
need_root
need setpriv

"$F" mk q
printf 'private\n' > secret
chmod 600 secret
mkdir -m 1777 shared
"${AS_NOBODY[@]}" ln -s "$T/secret" shared/log
expect_fail 1 "fifo serve: 'shared/log': refusing to follow a symlink of uid 65534 to a log file" \
    "$F" serve --joblog shared/log q -- cat
eq private "$(cat secret)" "root's file behind the planted symlink is untouched"

mkdir theirs
chown 65534:65534 theirs
"${AS_NOBODY[@]}" sh -c 'umask 0; echo mine > theirs/log'
expect_fail 1 "fifo serve: 'theirs/log': refusing to write a log into a file of uid 65534" \
    "$F" serve --joblog theirs/log q -- cat
eq mine "$(cat theirs/log)" "the other user's file is not emptied"
