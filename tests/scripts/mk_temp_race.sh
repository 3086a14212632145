# fifo mk --temp --dir DIR, run by root in a directory root owns but anyone
# may write to, without the sticky bit (so anyone may rename anything in it;
# a DIR another user owns is refused up front, mk_temp_other_dir_root.sh):
# the attacker (uid 65534) swaps the new
# private directory for a symlink to root's own directory while root's fifo
# is stopped right after making it (strace stops it after mkdir). The FIFO is
# made in the directory held open, never through the symlink: fifo refuses
# with one line, and nothing appears in root's directory.
# needs: root strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need strace

mkdir -m 700 vault
mkdir drop
chmod 0777 drop

spawn_stopping mkdir "$F" mk --temp --dir drop > out 2> err
next_stop "root's fifo to make its directory"
private=$(compgen -G 'drop/fifo.*')
"${AS_NOBODY[@]}" mv "$private" drop/moved
"${AS_NOBODY[@]}" ln -s "$T/vault" "$private"
finish_stopping
err=$(grep -v '^strace' err || true)
eq "1 fifo mk: '$private': refusing it: it was replaced after fifo made it" "$STATUS $err" "the swap is refused"
eq "" "$(cat out)" "no path is printed"
eq "" "$(ls -A vault)" "nothing was made in root's directory"

# Moved away and nothing put in its place: refused the same way, where it
# said "No such file or directory" about a directory it had just made.
rm -rf drop/* out err
spawn_stopping mkdir "$F" mk --temp --dir drop > out 2> err
next_stop "root's fifo to make its second directory"
private=$(compgen -G 'drop/fifo.*')
"${AS_NOBODY[@]}" mv "$private" drop/gone
finish_stopping
err=$(grep -v '^strace' err || true)
eq "1 fifo mk: '$private': refusing it: it was replaced after fifo made it" "$STATUS $err" \
    "the vanished directory is refused"
eq "" "$(cat out)" "no path is printed for the vanished directory"
eq "" "$(ls -A drop/gone)" "nothing was made in the moved directory"
