# fifo mk --temp --dir DIR, run by root in a directory root owns but anyone
# may write to, without the sticky bit (a DIR another user owns is refused
# up front), with a stdout that fails (/dev/full): nobody learnt the path, so
# fifo takes back the FIFO and the directory it made. Meanwhile the attacker
# (uid 65534, who may rename what is in DIR) moved the new
# private directory away and put a symlink to root's own directory in its
# place (strace stops root's fifo right after it made the FIFO). The
# cleanup removes the FIFO it made, in the directory it holds open, never
# the same name through the symlink: root's file of that name stays.
# needs: root strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need strace

mkdir -m 700 vault
echo precious > vault/fifo
mkdir drop
chmod 0777 drop

spawn_stopping mknodat "$F" mk --temp --dir drop > /dev/full 2> err
next_stop "root's fifo to make its FIFO"
private=$(compgen -G 'drop/fifo.*')
[ -p "$private/fifo" ] || fail "stopped after [$STOP_CALL], but $private/fifo is no FIFO"
"${AS_NOBODY[@]}" mv "$private" drop/moved
"${AS_NOBODY[@]}" ln -s "$T/vault" "$private"
finish_stopping
err=$(grep -v '^strace' err || true)
eq precious "$(cat vault/fifo)" "root's file of the same name is left alone"
eq "1 fifo mk: standard output: write error: No space left on device" "$STATUS $err" \
    "the failed write is the one message"
eq "" "$(ls -A drop/moved)" "the FIFO made is taken back"

# Without a swap, the FIFO and its directory both go.
mkdir plain
run bash -c '"$0" mk --temp --dir plain > /dev/full' "$F"
eq "1 fifo mk: standard output: write error: No space left on device" "$STATUS $ERR" \
    "unswapped: the failed write is the one message"
eq "" "$(ls -A plain)" "unswapped: nothing is left"
