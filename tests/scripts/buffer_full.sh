# --buffer-file on a full device (a 2 MiB tmpfs, which only root can
# mount): the spill stops at the device's size, no byte is lost, the input
# waits meanwhile, and the refusal is reported (No space left on device).
# needs: root python3
source "$(dirname "$0")/lib.sh"
need_root
need python3

mkdir tiny
mount -t tmpfs -o size=2m tmpfs tiny 2>/dev/null || skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN?)"
trap 'umount tiny 2>/dev/null || true; cleanup' EXIT
head -c $((20 * 1024 * 1024)) /dev/urandom > data

# tiny_full: the tmpfs has no block left.
tiny_full() { [ "$(stat -f -c %a tiny)" = 0 ]; }

spawn bash -c "'$F' cat --buffer 1M --buffer-file tiny < data 2> err | python3 '$SCRIPTS/bursts.py' consume - > got"
pipeline=$SPAWNED
wait_until 15 "the spill to fill the 2 MiB device" tiny_full
ok "the device is full: $(df -k tiny | tail -1)"
touch go
finish "$pipeline"
eq 0 "$STATUS" "a full device: status"
eq "$(sha256sum < data)" "$(cat got)" "a full device: every byte, in order"
grep -Eq "^fifo cat: the buffer file refused data (once|[0-9]+ times) \(No space left on device\); input waited, nothing was lost$" err ||
    fail "a full device: no honest warning: $(cat err)"
ok "a full device is reported: $(cat err)"
eq "" "$(ls -A tiny)" "nothing is left on the device"
