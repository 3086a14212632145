# fifo man --dir writes each page whole under a fresh name and renames it
# into place: a FIFO where a page goes is replaced, never opened (no hang),
# a symlink is replaced, never followed (its target untouched), and no
# temporary file is left behind, also when the directory cannot be written.
source "$(dirname "$0")/lib.sh"

pages=$("$F" --list | wc -l)
mkdir m
mkfifo m/fifo-cat.1
echo "keep me" > target
ln -s "$T/target" m/fifo.1
run "$F" man --dir m
eq "0 " "$STATUS $ERR" "man --dir over a planted FIFO and symlink: status"
eq "keep me" "$(cat target)" "the symlink's target is untouched"
[ -f m/fifo.1 ] && [ ! -L m/fifo.1 ] || fail "m/fifo.1 is not a regular file"
[ -f m/fifo-cat.1 ] && [ ! -p m/fifo-cat.1 ] || fail "m/fifo-cat.1 is not a regular file"
ok "the FIFO and the symlink were replaced by pages"
eq "$("$F" man)" "$(cat m/fifo.1)" "fifo.1 is the page fifo man prints"
eq "$((pages + 1))" "$(ls -A m | wc -l)" "one page per command and fifo.1, nothing else"

# A directory it cannot write into: one line naming the first page.
mkdir -m 555 ro
run "${UNPRIVILEGED[@]}" "$F" man --dir ro
eq "1 fifo man: 'ro/fifo.1': cannot open: Permission denied" "$STATUS $ERR" "man --dir unwritable"
eq "" "$(ls -A ro)" "nothing left in it"
