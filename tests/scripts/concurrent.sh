# 8 concurrent fifo send -l writers into one fifo cat -k: no line is torn,
# lost or duplicated. Lines are long (up to 4000 bytes) so that writers
# without record mode would interleave inside lines.
source "$(dirname "$0")/lib.sh"

WRITERS=8
LINES=2000
# The portable engine's cat -l reads one byte per read(2): 32 MB would
# outlast the timeouts on a busy machine (3 MB took over 20 s with both
# cores busy).
[ "${FIFO_PORTABLE:-}" != 1 ] || LINES=50
python3 - "$WRITERS" "$LINES" <<'PY'
import random, sys
writers, lines = int(sys.argv[1]), int(sys.argv[2])
for w in range(writers):
    rng = random.Random(w)
    with open(f"in.{w}", "w") as f:
        for n in range(lines):
            size = rng.randrange(1, 4000)
            f.write(f"w{w} n{n} {chr(97 + w) * size}\n")
PY
"$F" mk p
spawn bash -c "'$F' cat -k -l $((WRITERS * LINES)) p > out"
reader=$SPAWNED
writers=()
for w in $(seq 0 $((WRITERS - 1))); do
    timeout 60 "$F" send -l p < "in.$w" &
    writers+=($!)
done
for pid in "${writers[@]}"; do
    wait "$pid" || fail "writer $pid failed"
done
finish "$reader"
eq 0 "$STATUS" "the reader stopped after every line"
python3 - "$WRITERS" "$LINES" <<'PY'
import collections, re, sys
writers, lines = int(sys.argv[1]), int(sys.argv[2])
seen = collections.defaultdict(list)
pattern = re.compile(r"w(\d+) n(\d+) ([a-z]+)")
for number, line in enumerate(open("out"), 1):
    m = pattern.fullmatch(line.rstrip("\n"))
    assert m, f"torn line {number}: {line[:80]!r}"
    w, n, body = int(m[1]), int(m[2]), m[3]
    assert set(body) == {chr(97 + w)}, f"line {number} mixes writers"
    seen[w].append(n)
for w in range(writers):
    assert seen[w] == list(range(lines)), f"writer {w}: lost, duplicated or reordered lines"
print(f"{writers * lines} lines intact and in order per writer")
PY
ok "no torn, lost or duplicated line"
