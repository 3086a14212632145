# heavy: runs only with FIFO_SOAK=1 or `cargo test -- --ignored` (CI runs it)
# Soak: big checksummed transfers through send|cat and tee, 8 writers x
# 100,000 lines into one cat -k, and 30 s of writers and readers arriving
# and leaving with every line accounted for.
# SOAK_BYTES (default 2 GiB; 10737418240 for 10 GiB), SOAK_LINES (100000
# per writer) and SOAK_SECONDS (30) scale it.
source "$(dirname "$0")/lib.sh"
BYTES=${SOAK_BYTES:-2147483648}
LINES=${SOAK_LINES:-100000}
DURATION=${SOAK_SECONDS:-30}
LONG=$((DURATION * 4 + 600))
SPAWN_TIMEOUT=$LONG

head -c "$BYTES" /dev/urandom > src
want=$(sha256sum < src | cut -d' ' -f1)
sum() { sha256sum | cut -d' ' -f1; }
"$F" mk a b

spawn bash -c "'$F' send a < src"
eq "$want" "$(timeout "$LONG" "$F" cat a | sum)" "$BYTES random bytes through send | cat"
spawn bash -c "'$F' cat a | sha256sum | cut -d' ' -f1 > a.sum"
ra=$SPAWNED
spawn bash -c "cat b | sha256sum | cut -d' ' -f1 > b.sum"
rb=$SPAWNED
eq "$want" "$(timeout "$LONG" "$F" tee a b < src | sum)" "$BYTES bytes through tee: stdout"
finish "$ra"; finish "$rb"
eq "$want $want" "$(cat a.sum) $(cat b.sum)" "$BYTES bytes through tee: both FIFOs"
rm src

# 8 concurrent send -l writers into one cat -k: no torn, lost or extra line.
python3 - "$LINES" <<'PY'
import random, sys
lines = int(sys.argv[1])
for w in range(8):
    rng = random.Random(w)
    with open(f"in.{w}", "w") as f:
        for n in range(lines):
            f.write(f"w{w} {n} {chr(97 + w) * rng.randrange(1, 200)}\n")
PY
spawn bash -c "timeout $LONG '$F' cat -k -l $((8 * LINES)) a > merged"
reader=$SPAWNED
writers=()
for w in $(seq 0 7); do
    timeout "$LONG" "$F" send -l a < "in.$w" &
    writers+=($!)
done
for pid in "${writers[@]}"; do wait "$pid" || fail "writer $pid failed"; done
finish "$reader"
python3 - "$LINES" <<'PY'
import re, sys
lines = int(sys.argv[1])
seen = [[] for _ in range(8)]
for number, line in enumerate(open("merged"), 1):
    m = re.fullmatch(r"w(\d) (\d+) ([a-h]+)\n", line)
    assert m and set(m[3]) == {chr(97 + int(m[1]))}, f"torn line {number}: {line[:50]!r}"
    seen[int(m[1])].append(int(m[2]))
for w, numbers in enumerate(seen):
    assert numbers == list(range(lines)), f"writer {w}: lost or reordered lines"
print(f"{8 * lines} lines, none torn or lost")
PY
ok "8 x $LINES lines through one cat -k"

# Churn: this shell holds b open (fd 3), so its buffer survives while
# readers come and go. Writers arrive in bursts for DURATION seconds; one
# reader at a time takes a random number of whole lines (-l never takes
# more) and leaves; at the end the rest is drained. Every line written must
# be read exactly once.
exec 3<>b
(
    end=$((SECONDS + DURATION))
    i=0
    while [ "$SECONDS" -lt "$end" ]; do
        i=$((i + 1))
        python3 -c '
import random, sys
i = int(sys.argv[1]); rng = random.Random(i)
for n in range(rng.randrange(1, 300)):
    sys.stdout.write("burst%d %d %s\n" % (i, n, "x" * rng.randrange(1, 2000)))' "$i" > "burst.$i"
        timeout "$LONG" "$F" send -l b < "burst.$i" &
        sleep "0.0$((RANDOM % 10))"
    done
    wait
) &
churn=$!
: > received
readers=0
deadline=$((SECONDS + LONG))
while kill -0 "$churn" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "the churn's writers were still running after ${LONG}s"
    timeout "$LONG" "$F" cat -l $((RANDOM % 500 + 1)) --idle 1s b >> received
    readers=$((readers + 1))
done
wait "$churn"
timeout "$LONG" "$F" cat --idle 1s b >> received
exec 3>&-
cat burst.* | sort > sent.sorted
sort received > received.sorted
cmp -s sent.sorted received.sorted || fail "churn: $(wc -l < sent.sorted) lines sent, $(wc -l < received.sorted) received; diff: $(diff sent.sorted received.sorted | head -3 | cut -c1-80)"
ok "churn for ${DURATION}s: $(ls burst.* | wc -l) writers, $readers readers, $(wc -l < sent.sorted) lines, each read exactly once"
