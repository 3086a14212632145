# cat --frame caps what unfinished messages hold by default (1 GiB): four
# made-up writers that begin messages and never finish them, 1.1 GiB in
# all, are refused with one line and status 1 once the cap is reached,
# instead of growing the reader without bound.
# heavy: runs only with FIFO_SOAK=1 or `cargo test -- --ignored` (CI runs it)
# needs: python3
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T
need python3

mkfifo q
SPAWN_TIMEOUT=120 spawn bash -c "exec '$F' cat --frame q > out 2> err"
reader=$SPAWNED
SPAWN_TIMEOUT=120 spawn python3 - <<'PY'
import struct, sys
payload = b"x" * (4096 - 36)
total = 1100 * 1024 * 1024
with open("q", "wb", buffering=0) as q:
    try:
        for n in range(total // len(payload) + 1):
            writer = n % 4
            index = n // 4
            flags = 1 if index == 0 else 0
            q.write(struct.pack(">BBBBIQQQI", 0xFF, 0x46, 1, flags, 1000 + writer, 7, 0, index, len(payload)) + payload)
    except BrokenPipeError:
        sys.exit(0)
PY
writer=$SPAWNED
finish "$reader"
eq 1 "$STATUS" "the reader is refused at the cap: status"
eq "fifo cat: 'q': unfinished messages would hold more than 1073741824 bytes in memory" "$(cat err)" "one line says why"
eq 0 "$(wc -c < out)" "nothing unfinished is printed"
finish "$writer"
eq 0 "$STATUS" "the writer saw its reader leave"
