# Root's fifo tee, send and cat in a world-writable sticky directory where
# another user (uid 65534) planted a symlink: to a root-only file (tee would
# truncate and overwrite it), to root's private FIFO (send would hand root's
# data to whoever reads that, and cat would drain it). The link is not
# followed, whatever fs.protected_symlinks says (often off): one line,
# status 1, nothing touched, and tee's stdout still gets everything. Root's
# own links, and links of the directory's owner, are followed as before; so
# is a link anywhere else.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
echo secret > vault
chmod 600 vault
"${AS_NOBODY[@]}" ln -s "$T/vault" shared/out

for append in "" -a; do
    what="tee${append:+ $append} through uid 65534's link"
    run bash -c 'echo OVERWRITTEN | "$0" tee $1 shared/out' "$F" "$append"
    eq 1 "$STATUS" "$what: status"
    eq "fifo tee: 'shared/out': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
        "$ERR" "$what: one line"
    eq OVERWRITTEN "$OUT" "$what: stdout gets everything"
    eq secret "$(cat vault)" "$what: the root-only file keeps its bytes"
done

# Root's private FIFO, held open so that nothing waits on it: neither send
# nor cat reaches it through uid 65534's link.
mkdir -m 700 private-fifo
"$F" mk private-fifo/ctl
exec 7<> private-fifo/ctl
echo queued >&7
"${AS_NOBODY[@]}" ln -s "$T/private-fifo/ctl" shared/ctl
expect_fail 1 "fifo send: 'shared/ctl': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
    "$F" send shared/ctl injected
expect_fail 1 "fifo cat: 'shared/ctl': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
    "$F" cat -l 1 shared/ctl
run "$F" cat -c 7 private-fifo/ctl
eq queued "$OUT" "root's FIFO holds what it held, and only that"
exec 7<&-

# Root's own link, and a link of the directory's owner, are followed.
ln -s "$T/vault" shared/mine
run bash -c 'echo mine | "$0" tee shared/mine' "$F"
eq "0 mine" "$STATUS $(cat vault)" "root's own link is followed"
mkdir -m 1777 theirs
chown 65534 theirs
echo theirs > open
chmod 666 open
"${AS_NOBODY[@]}" ln -s "$T/open" theirs/link
run bash -c 'echo by-owner | "$0" tee theirs/link' "$F"
eq "0 by-owner" "$STATUS $(cat open)" "the directory owner's link is followed"

# Outside a sticky world-writable directory, links are followed as named.
mkdir private
ln -s "$T/open" private/link
chown -h 65534 private/link
run bash -c 'echo elsewhere | "$0" tee private/link' "$F"
eq "0 elsewhere" "$STATUS $(cat open)" "another user's link elsewhere is followed"

# A link on the way counts as the last one does (fs.protected_symlinks
# judges every link a lookup passes): uid 65534's shared/dir -> a directory
# of root's. tee would truncate root's file there, send write into root's
# FIFO there, cat --create make a FIFO there.
echo secret > vault
mkdir -m 700 private-dir
cp -p vault private-dir/file
"$F" mk private-dir/ctl
exec 7<> private-dir/ctl
echo queued >&7
"${AS_NOBODY[@]}" ln -s "$T/private-dir" shared/dir
refusal="refusing to follow a symlink of uid 65534 in a world-writable sticky directory"
run bash -c 'echo OVERWRITTEN | "$0" tee shared/dir/file' "$F"
eq "1 fifo tee: 'shared/dir/file': $refusal" "$STATUS $ERR" "tee through a link on the way: refused"
eq secret "$(cat private-dir/file)" "tee through a link on the way: the file keeps its bytes"
expect_fail 1 "fifo send: 'shared/dir/ctl': $refusal" "$F" send shared/dir/ctl injected
expect_fail 1 "fifo cat: 'shared/dir/ctl': $refusal" "$F" cat -l 1 shared/dir/ctl
expect_fail 1 "fifo cat: 'shared/dir/new': $refusal" "$F" cat --create --rm -t 1s shared/dir/new
expect_fail 1 "fifo tee: 'shared/dir/../dir/file': $refusal" "$F" tee shared/dir/../dir/file < /dev/null
# Nor is one made there by mk: a FIFO where root expects a file (say
# /etc/ld.so.preload, which every program then blocks opening).
expect_fail 1 "fifo mk: 'shared/dir/made': $refusal" "$F" mk shared/dir/made
# Nor with -p, which made the parents behind the link by path before the
# FIFO was refused (root's private-dir/sub/deeper).
expect_fail 1 "fifo mk: 'shared/dir/sub/deeper': $refusal" "$F" mk -p shared/dir/sub/deeper/made
run "$F" cat -c 7 private-dir/ctl
eq queued "$OUT" "root's FIFO behind the link holds what it held, and only that"
exec 7<&-
eq "ctl file" "$(ls private-dir | tr '\n' ' ' | sed 's/ $//')" "nothing made behind the link"
# Root's own link on the way, and one under /proc, are followed.
ln -s "$T/private-dir" shared/mydir
run bash -c 'echo mine | "$0" tee shared/mydir/file' "$F"
eq "0 mine" "$STATUS $(cat private-dir/file)" "root's own link on the way is followed"
run bash -c 'cd private-dir && echo cwd | "$0" tee /proc/self/cwd/file' "$F"
eq "0 cwd" "$STATUS $(cat private-dir/file)" "a link under /proc on the way is followed"

# A link that may be followed leads on through links that are judged too,
# as fs.protected_symlinks judges every link of a lookup: root's own
# shared/chain -> shared/their-dir/file, where uid 65534's shared/their-dir
# -> a directory of root's, is refused at uid 65534's link, whether the
# chain is the last name, a name on the way, relative, or in a directory
# of root's own.
echo secret > private-dir/file
exec 7<> private-dir/ctl
echo queued >&7
"${AS_NOBODY[@]}" ln -s "$T/private-dir" shared/their-dir
ln -s "$T/shared/their-dir/file" shared/chain
ln -s their-dir/ctl shared/chain-rel
ln -s "$T/shared/their-dir" shared/chain-dir
ln -s "$T/shared/their-dir/file" private/chain
for path in shared/chain shared/chain-dir/file private/chain; do
    run bash -c 'echo OVERWRITTEN | "$0" tee "$1"' "$F" "$path"
    eq "1 fifo tee: '$path': $refusal" "$STATUS $ERR" "tee through root's link to uid 65534's ($path): refused"
    eq secret "$(cat private-dir/file)" "tee through root's link to uid 65534's ($path): the file keeps its bytes"
done
expect_fail 1 "fifo send: 'shared/chain-rel': $refusal" "$F" send shared/chain-rel injected
expect_fail 1 "fifo mk: 'shared/chain-dir/made': $refusal" "$F" mk shared/chain-dir/made
ln -s "$T/shared/their-dir/ctl" private/chain-fifo
expect_fail 1 "fifo cat: 'private/chain-fifo': $refusal" "$F" cat --create -l 1 private/chain-fifo
run "$F" cat -c 7 private-dir/ctl
eq queued "$OUT" "root's FIFO behind the chain holds what it held, and only that"
exec 7<&-
eq "ctl file" "$(ls private-dir | tr '\n' ' ' | sed 's/ $//')" "nothing made behind the chain"
# A chain of root's own links is followed to its end.
ln -s "$T/shared/mydir/file" shared/my-chain
run bash -c 'echo chained | "$0" tee shared/my-chain' "$F"
eq "0 chained" "$STATUS $(cat private-dir/file)" "a chain of root's own links is followed"
