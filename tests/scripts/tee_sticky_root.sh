# fifo tee run by root into a world-writable sticky directory where another
# user (uid 65534) planted a symlink to a root-only file: the link is not
# followed, whatever fs.protected_symlinks says (often off): the file keeps
# its bytes, the refusal is one line, status 1, and stdout still gets
# everything. Root's own links, and links of the directory's owner, are
# followed as before; so is a link anywhere else.
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
