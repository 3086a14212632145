# fifo cat --merge: three concurrent writers into three FIFOs, merged with
# --prefix: every line whole, tagged with its source, none lost; -k with -l,
# --idle, a line longer than the merge buffer passed on whole, and stdin.
source "$(dirname "$0")/lib.sh"

random_lines 3000 a b c
"$F" mk a b c
spawn bash -c "'$F' cat --merge --prefix a b c > merged"
reader=$SPAWNED
writers=()
for name in a b c; do
    timeout 20 "$F" send -l "$name" < "in.$name" &
    writers+=($!)
done
for pid in "${writers[@]}"; do wait "$pid" || fail "writer $pid failed"; done
finish "$reader"
eq 0 "$STATUS" "merge ends when every writer has left"
python3 - <<'PY'
import re
seen = {name: [] for name in "abc"}
for number, line in enumerate(open("merged"), 1):
    m = re.fullmatch(r"([abc]): ([abc]) (\d+) ([abc]+)\n", line)
    assert m, f"line {number} is torn or untagged: {line[:60]!r}"
    source, name, n, body = m.groups()
    assert source == name and set(body) == {name}, f"line {number} mixes sources"
    seen[name].append(int(n))
for name, numbers in seen.items():
    assert numbers == list(range(3000)), f"{name}: lost or reordered lines"
PY
ok "9000 lines: whole, tagged with their FIFO, in order per source"

# -k keeps serving writers that come and go; -l ends it; the rest stays.
spawn bash -c "'$F' cat --merge -k -l 4 a b > kept"
reader=$SPAWNED
timeout 20 "$F" send a one
timeout 20 "$F" send b two
timeout 20 "$F" send a three
spawn bash -c "exec 3>b; printf 'four\nfive\n' >&3; exec 3>&-"
finish "$reader"
eq "0 4" "$STATUS $(wc -l < kept)" "-k -l 4 ends after four lines"
eq "four" "$(tail -n 1 kept)" "the fourth line is the first of the last writer's"

# --idle ends a merge whose writers stay silent.
# The line is in the FIFO before the reader opens it, so the quiet spell
# starts once it is read, however late the holder runs: read-write (3<>),
# bash writes it with no reader there yet, then keeps a write end only.
spawn bash -c "exec 3<>c; echo hello >&3; exec 4>c 3<&-; touch c.ready; sleep 30"
holder=$SPAWNED
wait_until 10 "the line in c, held by a writer" test -e c.ready
run "$F" cat --merge --idle 300ms c
eq "0 hello" "$STATUS $OUT" "--idle ends a quiet merge"
kill "$holder"

# A line longer than the 1 MiB merge buffer arrives whole, not interleaved.
spawn bash -c "'$F' cat --merge a b > long.out"
reader=$SPAWNED
spawn bash -c "python3 -c 'import sys; sys.stdout.write(\"x\" * 3000000 + \"\\n\")' > a"
spawn bash -c "for i in \$(seq 200); do echo short; done > b"
finish "$reader"
python3 - <<'PY'
lines = open("long.out").read().split("\n")[:-1]
assert sorted(len(l) for l in lines) == [5] * 200 + [3000000], [len(l) for l in lines if len(l) != 5]
assert all(l in ("short", "x" * 3000000) for l in lines)
PY
ok "a 3 MB line passes whole between 200 short lines"

# stdin merges too, and an unterminated last line gets a newline.
eq "a: no newline
stdin: from stdin" "$(printf 'from stdin\n' | { spawn "$F" send -n a 'no newline'; timeout 20 "$F" cat --merge --prefix - a | sed 's/^-:/stdin:/' | sort; })" "stdin and a FIFO, last line terminated"
expect_fail 2 "cannot be used with" "$F" cat --merge -t 1s a
expect_fail 2 "--merge" "$F" cat --prefix a
