# What the portable engine (macOS, FreeBSD; FIFO_PORTABLE=1 here) does
# where Linux has a call of its own: --capacity says the system has no such
# control, stat, wait and hold --stop say holders are not available, and the
# data still moves: lines whole, end of file seen when the writer leaves.
source "$(dirname "$0")/lib.sh"

export FIFO_PORTABLE=1
"$F" mk q

expect_fail 1 "fifo cat: 'q': cannot set the pipe capacity to 65536 bytes: this system has no such control" \
    "$F" cat --capacity 64K q
expect_fail 1 "fifo wait: 'q': cannot wait: not available on this system (it does not show which processes hold a file)" \
    "$F" wait --reader q
expect_fail 1 "fifo hold: 'q': cannot stat: not available on this system (it does not show which processes hold a file)" \
    "$F" hold --stop q
expect_fail 1 "fifo hold: 'new': cannot wait: not available on this system (it does not show which processes hold a file)" \
    "$F" hold --idle 1s --create new
[ ! -e new ] || fail "hold --idle made new before it failed"
ok "hold --idle made nothing"

run "$F" stat q
eq 0 "$STATUS" "stat still shows the file"
eq "  Pipe: readers ?   writers ?   opening ?   buffered ?   capacity ?
Holder: not available on this system (no /proc)" "$(printf '%s\n' "$OUT" | tail -n 2)" \
    "stat: the pipe's counts are not available"
run "$F" stat --json q
eq "not available on this system (no /proc)" \
    "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["unknown"]["pipe.readers"])')" \
    "stat --json: why the counts are null"

# End of file reaches a reader waiting for data once the writer leaves
# (select(2), not poll), and -v says the capacity cannot be seen.
spawn bash -c "'$F' cat -v q > out 2> err"
reader=$SPAWNED
printf 'one\ntwo\n' | "$F" send -l q
finish "$reader"
eq 0 "$STATUS" "cat ended at the writer's close"
eq "one
two" "$(cat out)" "the lines arrived"
eq "fifo cat: 'q': pipe capacity cannot be seen on this system" "$(cat err)" "cat -v on the capacity"
