# fifo cat --buffer-file DIR/sub/NAME, run by root where another user
# (uid 65534) owns DIR and sub, and may rename them: the new spill file is
# made, checked and unlinked in the one directory opened first. The
# attacker swaps sub for a symlink to root's own directory, which holds a
# file named NAME, between root's check and its unlink (strace stops root's
# fifo after the check): root's file stays, and the spill file made is taken back. (By
# path, the unlink followed the symlink and deleted root's file.)
# needs: root strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need strace

mkdir -m 700 vault
echo precious > vault/spill
mkdir drop
chown 65534:65534 drop
"${AS_NOBODY[@]}" mkdir drop/sub

head -c 100000 /dev/zero > data
spawn_stopping newfstatat "$F" cat --buffer 64K --buffer-file drop/sub/spill < data > out 2> err
stop_after 'newfstatat\([0-9]+, "spill"' "root's fifo to check its new spill file"
"${AS_NOBODY[@]}" mv drop/sub drop/moved
"${AS_NOBODY[@]}" ln -s "$T/vault" drop/sub
finish_stopping
eq precious "$(cat vault/spill)" "root's file of the same name is left alone"
eq 0 "$STATUS" "the copy succeeds"
eq "$(cksum < data)" "$(cksum < out)" "every byte is copied"
eq "" "$(ls -A drop/moved)" "the spill file made is unlinked"
