# cat --frame whose stdout fills up mid-batch (a file on a 100 KiB tmpfs,
# which only root can mount): the messages a writev(2) wrote before the
# device filled are taken out with the one it failed in, so the next
# reader hands out each remaining message once, never one already written.
# needs: root linux
source "$(dirname "$0")/lib.sh"
need_root
export TMPDIR=$T

mkdir tiny
mount -t tmpfs -o size=100k tmpfs tiny 2>/dev/null || skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN?)"
trap 'umount tiny 2>/dev/null || true; cleanup' EXIT
mkfifo q
# The test holds a write end, so the readers see no end of file.
exec 3<> q
# 3000 lines of 90 bytes: more than one read, and more than the device.
seq -w 1 3000 | sed 's/$/ ..................................................................................../' | cut -c1-89 > lines
timeout 20 "$F" send --frame -l q < lines 3>&-

run bash -c "exec '$F' cat --frame --idle 1s q > tiny/out"
eq 1 "$STATUS" "a full device: status"
eq "fifo cat: standard output: write error: No space left on device" "$ERR" "it says why"
run "$F" cat --frame --idle 1s q
eq 0 "$STATUS" "the next reader: status"
exec 3>&-

whole=$(wc -l < tiny/out)
[ "$whole" -gt 100 ] || fail "only $whole lines reached the device"
eq "$(head -n "$whole" lines | sha256sum)" "$(head -n "$whole" tiny/out | sha256sum)" "the device holds whole lines, in order"
# The message the write failed in is dropped; every later one comes once.
eq "$(tail -n +$((whole + 2)) lines | sha256sum)" "$(echo "$OUT" | sha256sum)" "the next reader gets each later message once, none written already"
