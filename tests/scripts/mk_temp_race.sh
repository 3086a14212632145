# fifo mk --temp --dir DIR, run by root in a directory root owns but anyone
# may write to, without the sticky bit (so anyone may rename anything in it;
# a DIR another user owns is refused up front, mk_temp_other_dir_root.sh):
# the attacker (uid 65534) swaps the new
# private directory for a symlink to root's own directory while root's fifo
# is held right after making it (strace: delay_exit on mkdir). The FIFO is
# made in the directory held open, never through the symlink: fifo refuses
# with one line, and nothing appears in root's directory.
# needs: root strace
source "$(dirname "$0")/lib.sh"
need_root
need strace

mkdir -m 700 vault
mkdir drop
chmod 0777 drop

# Without cargo's LD_LIBRARY_PATH: the loader would probe every one of its
# directories, each probe held for the injected delay.
SPAWN_TIMEOUT=60 spawn env -u LD_LIBRARY_PATH strace -f -qq -o trace \
    -e trace=mkdir -e inject=mkdir:delay_exit=1000000 "$F" mk --temp --dir drop > out 2> err
made() { compgen -G 'drop/fifo.*' > /dev/null; }
wait_until 15 "root's fifo to make its directory" made
private=$(compgen -G 'drop/fifo.*')
"${AS_NOBODY[@]}" mv "$private" drop/moved
"${AS_NOBODY[@]}" ln -s "$T/vault" "$private"
finish "$SPAWNED"
err=$(grep -v '^strace' err || true)
eq "1 fifo mk: '$private': refusing it: it was replaced after fifo made it" "$STATUS $err" "the swap is refused"
eq "" "$(cat out)" "no path is printed"
eq "" "$(ls -A vault)" "nothing was made in root's directory"
