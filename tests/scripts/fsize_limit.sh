# Under `ulimit -f`, a file fifo writes whole (a counted framed reader's
# stash, a man page) that would be larger than the limit is refused with
# one line and status 1, before anything is written: the write would take
# what fits and raise SIGXFSZ, which ended fifo (153) and left its half
# file behind under a temporary name.
source "$(dirname "$0")/lib.sh"

export TMPDIR=$T
"$F" mk q
exec 7<> q
# A message begun (20000 bytes of it sent, its writer waiting for more on
# src), then a
# whole one: the counted reader takes the whole one and must keep the
# begun one's chunks in its stash, larger than the 512-byte limit.
mkfifo src
exec 8<> src
spawn "$F" send --frame q < src
head -c 20000 /dev/zero | tr '\0' z >&8
buffered() { [ "$("${FS[@]}" stat -c %{buffered} q)" -gt 0 ]; }
wait_until 10 "the first chunks in the FIFO" buffered
"$F" send --frame q small
run bash -c 'ulimit -f 1 && exec "$0" cat --frame -l 1 q' "$F"
eq "1 small" "$STATUS $OUT" "the counted reader prints its message and fails"
stash=$T/fifo-$(id -u)
[[ "$ERR" == "fifo cat: '$stash/frames-"*"': write error: File too large" ]] ||
    fail "not the one line expected: [$ERR]"
ok "one line says the stash could not be written"
eq "" "$(ls -A "$stash")" "no half-written file is left in the stash"

mkdir pages
run bash -c 'ulimit -f 1 && exec "$0" man --dir pages' "$F"
eq "1 fifo man: 'pages/fifo.1': write error: File too large" "$STATUS $ERR" \
    "man --dir: one line"
eq "" "$(ls -A pages)" "man --dir: nothing is left"

# A counted reader whose stdout passes `ulimit -f` mid-batch: the write
# takes what fits, and the next one raised SIGXFSZ, which ended the reader
# (153) before it took from the FIFO what it had written: every line of
# that batch came again to the next reader. Now the write fails, the
# reader says so in one line and takes only the whole lines that went out.
# The writers run beside the readers: a pipe may hold only 8 KiB (under
# pipe-memory pressure), less than they send.
mkfifo lines
exec 4<> lines
seq 10 2009 > want
spawn "$F" send -l lines < want
writer=$SPAWNED
run bash -c 'ulimit -f 1 && exec "$0" cat -l 1500 lines > got' "$F"
eq "1 fifo cat: standard output: write error: File too large" "$STATUS $ERR" \
    "cat -l past ulimit -f: one line, status 1"
run "$F" cat -l "$((2000 - $(wc -l < got)))" lines
eq 0 "$STATUS" "the next reader takes the rest"
finish "$writer"
if linux_only "the line a write failed in comes whole to the next reader (needs tee to look ahead)"; then
    # got ends in the line its write failed in, cut; the next reader has it whole.
    eq "$(sha256sum < want)" "$( { head -n "$(wc -l < got)" got; printf '%s' "$OUT"; echo; } | sha256sum)" \
        "each line once: the whole lines out, then the rest"
else
    # A byte per read, read before it can be written: the write that
    # failed loses the one byte it was given (the documented bound), every
    # other byte comes once, what went out and then the rest.
    out=$(wc -c < got)
    eq "$( { head -c "$out" want; tail -c +"$((out + 2))" want; } | sha256sum)" \
        "$( { cat got; printf '%s' "$OUT"; echo; } | sha256sum)" \
        "each byte once but the one the failed write was given"
fi
exec 4>&-

# The same for framed messages: the one message the write failed in is
# lost (as on a full device), every other comes once.
mkfifo framed
exec 4<> framed
spawn "$F" send --frame -l framed < want
writer=$SPAWNED
run bash -c 'ulimit -f 1 && exec "$0" cat --frame -l 1500 framed > got' "$F"
eq "1 fifo cat: standard output: write error: File too large" "$STATUS $ERR" \
    "cat --frame -l past ulimit -f: one line, status 1"
whole=$(wc -l < got)
run "$F" cat --frame -l "$((2000 - whole - 1))" framed
eq 0 "$STATUS" "the next framed reader takes the rest"
finish "$writer"
eq "$(sed "$((whole + 1))d" want | sha256sum)" "$( { head -n "$whole" got; printf '%s' "$OUT"; echo; } | sha256sum)" \
    "each message once but the one cut"
exec 4>&-
