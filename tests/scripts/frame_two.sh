# Two `fifo cat --frame` readers on one FIFO: a framed stream has one reader
# at a time (they take the counted readers' lock), so neither tears the
# other's messages; every message arrives exactly once, whole, and neither
# reports a corrupt stream.
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T

"$F" mk q
holder=$("$F" hold -b q)
PIDS+=("$holder")
for w in 1 2 3 4; do
    # Messages of 300,000 bytes: far over PIPE_BUF, so each is many chunks.
    python3 -c "import sys; sys.stdout.write(('writer $w ' * 40000)[:300000])" > "m$w"
done
for r in 1 2; do
    SPAWN_TIMEOUT=120 spawn bash -c "exec '$F' cat --frame -0 -k q > r$r.out 2> r$r.err"
    eval "reader$r=\$SPAWNED"
done
for w in 1 2 3 4; do
    "$F" send --frame q < "m$w" &
    writers+=($!)
done
for pid in "${writers[@]}"; do wait "$pid" || fail "a framed writer failed"; done
# The readers keep the FIFO open (-k) until told to stop: once the four
# messages are out, however long that takes on a busy machine (an --idle
# would be a guess at how soon writers come).
four_out() { [ "$(cat r1.out r2.out | tr -cd '\0' | wc -c)" = 4 ]; }
wait_until 60 "the four messages to reach the readers" four_out
kill -TERM "$reader1" "$reader2"
finish "$reader1"; eq 143 "$STATUS" "reader 1 ends on SIGTERM, nothing pending ($(cat r1.err))"
finish "$reader2"; eq 143 "$STATUS" "reader 2 ends on SIGTERM, nothing pending ($(cat r2.err))"
eq "" "$(cat r1.err r2.err)" "neither reader saw a corrupt stream"
python3 - <<'PY'
import hashlib
got = []
for r in (1, 2):
    data = open(f"r{r}.out", "rb").read()
    got += [m for m in data.split(b"\0") if m]
want = [open(f"m{w}", "rb").read() for w in (1, 2, 3, 4)]
assert sorted(got) == sorted(want), [len(m) for m in got]
PY
ok "four 300,000-byte messages arrived once each, whole, between two readers"
"${FS[@]}" hold --stop q > /dev/null
