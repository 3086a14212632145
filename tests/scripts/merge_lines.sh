# fifo cat --merge on both paths (fast, and --no-splice): an unfinished line
# is never dropped nor joined to another writer's text (--idle, end of a
# writer's stream with -k, signals); under -l only whole lines are consumed
# (another input's unfinished line stays in its FIFO, a file keeps its rest);
# --progress meters a merge.
source "$(dirname "$0")/lib.sh"
# Job control: background jobs keep SIGINT instead of ignoring it.
set -m

# out_is BYTES WHAT: the last `run` printed exactly BYTES (printf format).
out_is() {
    [ "$(od -An -c < "$T/.out")" = "$(printf "$1" | od -An -c)" ] ||
        fail "$2: expected [$1], got [$(cat "$T/.out")]"
    ok "$2"
}

# buffered_is N PATH: N bytes wait in the FIFO's pipe.
buffered_is() { [ "$("${FS[@]}" stat -c %b "$2")" = "$1" ]; }

# has_line LINE FILE: FILE holds LINE as a whole line.
has_line() { grep -qx -- "$1" "$2" 2> /dev/null; }

for path in fast --no-splice; do
    P=()
    [ "$path" = fast ] || P=(--no-splice)
    rm -f ./*

    # --idle ends a merge: an unfinished line is printed, with a newline.
    "$F" mk a
    exec 7<>a
    printf partial >&7
    run "$F" cat "${P[@]}" --merge --idle 300ms a
    eq 0 "$STATUS" "$path: --idle ends the merge"
    out_is 'partial\n' "$path: --idle prints the unfinished line with a newline"
    exec 7>&-

    # -l: another input's unfinished line stays in its FIFO; -l 2 lets one
    # line of each through, the portable path included (it reads one byte
    # at a time, and never more unfinished lines than the budget has left).
    "$F" mk b
    exec 7<>a 8<>b
    printf abc >&7
    spawn bash -c "'$F' cat ${P[*]} --merge -l 2 a b > two"
    reader=$SPAWNED
    printf '1\n' >&8
    wait_until 10 "the merge to print 1" has_line 1 two
    printf 'def\nrest\n' >&7
    finish "$reader"
    eq "0 1 abcdef" "$STATUS $(tr '\n' ' ' < two | sed 's/ $//')" "$path: -l 2: a whole line from each input"
    run "$F" cat -l 1 a
    eq "0 rest" "$STATUS $OUT" "$path: -l 2 left the next line in its FIFO"
    exec 7>&- 8>&-

    # A file on stdin keeps what -l did not print, as with plain cat -l.
    printf '1\n2\n3\n' > file
    run bash -c "{ '$F' cat ${P[*]} --merge -l 1 -; cat; } < file"
    eq "0 1 2 3" "$STATUS $(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')" "$path: --merge -l 1 - leaves the rest of a file"

    # -k: a writer's last line ends with its stream, and the next writer's
    # text starts a new line.
    "$F" mk k
    spawn bash -c "'$F' cat ${P[*]} --merge -k k > kept"
    reader=$SPAWNED
    printf partial | timeout 60 "$F" send k
    wait_until 10 "the unfinished line to be printed" has_line partial kept
    timeout 60 "$F" send k more
    wait_until 10 "the next writer's line" has_line more kept
    kill -TERM "$reader"
    finish "$reader"
    eq "partial more" "$(tr '\n' ' ' < kept | sed 's/ $//')" "$path: -k: a writer's last line gets a newline, the next writer's text is its own"

    # A signal ends the merge after its unfinished lines are printed; the
    # command dies of it, after --rm removed what --create made.
    for signal in INT TERM HUP; do
        want=$((128 + $(kill -l "$signal")))
        "$F" cat "${P[@]}" --merge -k --create --rm "s.$signal" > "got.$signal" &
        pid=$!
        PIDS+=("$pid")
        wait_until 10 "--create to make s.$signal" test -p "s.$signal"
        exec 9> "s.$signal"
        printf 'whole\nunfinished' >&9
        wait_until 10 "the merge to read it all" buffered_is 0 "s.$signal"
        wait_until 10 "the whole line" has_line whole "got.$signal"
        kill -s "$signal" "$pid"
        finish "$pid"
        exec 9>&-
        eq "$want whole unfinished" "$STATUS $(tr '\n' ' ' < "got.$signal" | sed 's/ $//')" "$path: SIG$signal: unfinished line printed, status $want"
        [ ! -e "s.$signal" ] || fail "$path: SIG$signal left s.$signal behind"
    done

    # --progress meters a merge as it does plain cat.
    run bash -c "printf '1\n2\n' | '$F' cat ${P[*]} --merge --progress=always -"
    grep -Eq "^fifo cat: 4 B in [0-9.]+s" <<<"$ERR" || fail "$path: no progress summary: [$ERR]"
    ok "$path: --merge --progress prints the summary"

    # Three writers, every line whole and in order per source.
    random_lines 1000 x y z
    "$F" mk x y z
    spawn bash -c "'$F' cat ${P[*]} --merge --prefix x y z > merged"
    reader=$SPAWNED
    writers=()
    for name in x y z; do
        timeout 20 "$F" send "$name" < "in.$name" &
        writers+=($!)
    done
    for pid in "${writers[@]}"; do wait "$pid" || fail "writer $pid failed"; done
    finish "$reader"
    eq 0 "$STATUS" "$path: the merge ends when every writer has left"
    python3 - <<'PY' || fail "$path: merged lines are torn, mixed or lost"
import re
seen = {name: [] for name in "xyz"}
for line in open("merged"):
    m = re.fullmatch(r"([xyz]): ([xyz]) (\d+) ([xyz]+)\n", line)
    assert m and m[1] == m[2] and set(m[4]) == {m[1]}, line[:60]
    seen[m[1]].append(int(m[3]))
assert all(numbers == list(range(1000)) for numbers in seen.values())
PY
    ok "$path: 3000 lines from three writers, whole and in order per source"
done

# On the fast path -l 1 prints the one whole line, and another input's
# unfinished line stays in its FIFO. (The portable path cannot look before it
# reads: it would hold abc and wait for its newline instead.)
if linux_only "-l 1 leaves another input's unfinished line (needs tee to look)"; then
    "$F" mk c d
    exec 7<>c 8<>d
    printf abc >&7
    spawn bash -c "'$F' cat --merge -l 1 c d > one"
    reader=$SPAWNED
    printf '1\n' >&8
    finish "$reader"
    eq "0 1" "$STATUS $(cat one)" "-l 1 prints the first whole line"
    printf '\n' >&7
    run "$F" cat -l 1 c
    eq "0 abc" "$STATUS $OUT" "-l 1 left the other input's unfinished line in its FIFO"
    exec 7>&- 8>&-
fi
