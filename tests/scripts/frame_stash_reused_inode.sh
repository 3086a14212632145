# A FIFO made with the inode number of a removed one does not take up what
# a framed reader left in the stash for the removed one: the stash file is
# named by the FIFO's device, inode and birth time, with either engine.
# (CI's FIFO_PORTABLE=1 pass once saw frame_doc.sh's reader hand out ten of
# frame_batch.sh's messages, left in the shared stash by its reader whose
# stdout was /dev/full, and drop the unfinished one, "16240 bytes received":
# the portable engine named stash files by device and inode alone, and
# /tmp's ext4 gave frame_doc.sh's FIFO the removed FIFO's inode.)
# A 16 MiB ext4 with 64 inodes stands for /tmp: it gives a freed inode to
# the next file at once, where a big one does so only now and then.
# needs: root mkfs.ext4
source "$(dirname "$0")/lib.sh"
need_root
export TMPDIR=$T  # the framed readers' stash: $TMPDIR/fifo-UID

truncate -s 16M img
mkfs.ext4 -q -N 64 img
mkdir mnt
mount -o loop img mnt 2>/dev/null || skip "cannot mount a loop device here"
trap 'exec 3>&-; umount mnt 2>/dev/null || true; cleanup' EXIT
stashed() { find "fifo-$(id -u)" -name 'frames-*' 2>/dev/null | wc -l; }

# A reader whose output fails leaves the messages it read in the stash.
mkfifo mnt/q
old=$(stat -c %i mnt/q)
exec 3<> mnt/q
printf 'stale one\nstale two\n' | timeout 20 "$F" send --frame -l mnt/q
expect_fail 1 "fifo cat: standard output: write error: No space left on device" \
    bash -c "exec '$F' cat --frame --idle 1s mnt/q > /dev/full"
exec 3>&-
eq 1 "$(stashed)" "the messages are in the stash"
born=$(stat -c %W mnt/q)
if [ "$born" != 0 ]; then
    case $(ls "fifo-$(id -u)") in
        *-"$born".*) ok "the stash file is named by the FIFO's birth time too" ;;
        *) fail "no birth time ($born) in the stash file's name: $(ls "fifo-$(id -u)")" ;;
    esac
fi

# The FIFO goes, and the next one made is given its inode.
rm mnt/q
mkfifo mnt/docs
eq "$old" "$(stat -c %i mnt/docs)" "the new FIFO has the removed one's inode"
spawn bash -c "exec '$F' cat --frame mnt/docs > out 2> err"
reader=$SPAWNED
timeout 20 "$F" send --frame mnt/docs fresh
finish "$reader"
eq "0 fresh" "$STATUS $(cat out)" "the new FIFO's reader gets its own message only, and ends with 0"
eq "" "$(cat err)" "and says nothing"
