# fifo cat --frame -l N: each reader takes N whole messages and leaves the
# rest in the FIFO. A reader that stops while other writers' messages are
# half through hands those to the next reader (the stash in
# $TMPDIR/fifo-UID), so 4 concurrent counted readers of 4 concurrent
# writers get every message exactly once, whole. What a reader killed with
# SIGKILL held is lost, and the next reader says so and reads on. A stash
# directory someone else could have planted is passed over.
# needs: python3
# slow
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T
STASH=$T/fifo-$(id -u)
stashed() { find "$STASH" -name 'frames-*' 2>/dev/null | wc -l; }
# A function, as wait_until expands its arguments once.
# A big message of BIG bytes: BEGIN of them are sent before the rest, and
# at least SEEN reach the FIFO. The portable engine's pipe stays at 64 KiB
# (no capacity raise): there the whole message must fit in it.
BIG=300000 BEGIN=100000 SEEN=65536
[ "${FIFO_PORTABLE:-}" != 1 ] || BIG=50000 BEGIN=20000 SEEN=16000
first_chunks_in() { [ "$("${FS[@]}" stat -c %{buffered} q)" -ge "$SEEN" ]; }

mkfifo q in
# The test holds a write end (descriptor 3) so readers neither wait in
# their open nor see end of file between writers.
exec 3<> q

# One message at a time, in order; -l counts across PATHs.
printf 'one\ntwo\nthree\n' | "$F" send --frame -l q 3>&-
run "$F" cat --frame -l 1 q
eq "0 one" "$STATUS $OUT" "-l 1 takes the first message"
run "$F" cat --frame -l 2 q q
eq "two three" "$(echo $OUT)" "-l 2 over two PATHs takes the next two"
eq 0 "$("${FS[@]}" stat -c %{buffered} q)" "nothing is left in the FIFO"

# A writer half through a big message (its first chunks are in the FIFO)
# while another sends a small one: -l 1 prints the small one and keeps the
# big one's first chunks; the next reader prints the big one whole.
head -c "$BIG" /dev/urandom > big
# begin_big: a writer sends the first BEGIN bytes of `big` as the start of
# one message (its first chunks reach the FIFO) and waits for the rest.
# Descriptor 4 writes its stdin, opened read-write first so that neither
# end waits for the other.
begin_big() {
    exec 4<> in
    spawn "$F" send --frame q < in 3>&- 4>&-
    writer=$SPAWNED
    head -c "$BEGIN" big >&4
    wait_until 10 "the big message's first chunks" first_chunks_in
}
# end_big: the rest of `big`; the writer sends its last chunks and ends.
end_big() {
    tail -c +$((BEGIN + 1)) big >&4
    exec 4>&-
    finish "$writer"
}
drained() { [ "$("${FS[@]}" stat -c %{buffered} q)" = 0 ]; }
begin_big
echo small | "$F" send --frame q 3>&-
run "$F" cat --frame -l 1 q
eq "0 small" "$STATUS $OUT" "-l 1 takes the complete message"
eq 1 "$(stashed)" "the big message's first chunks are in the stash"
eq "-rw-------" "$(stat -c %A "$STASH"/frames-*)" "the stash file is private"
eq "drwx------" "$(stat -c %A "$STASH")" "the stash directory is private"
end_big
"$F" cat --frame -l 1 q > got
cmp big got || fail "the big message did not arrive whole"
ok "the next reader prints the big message whole"
eq 0 "$(stashed)" "the stash is empty again"

# SIGTERM while a message is half through: kept, not dropped, and the
# reader dies of the signal.
begin_big
spawn bash -c "exec '$F' cat --frame -l 1 q > out 2> err"
reader=$SPAWNED
wait_until 10 "the reader to take the first chunks" drained
kill -TERM "$(pgrep -P "$reader")"
finish "$reader"
eq 143 "$STATUS" "SIGTERM: 143"
eq "" "$(cat out)$(cat err)" "nothing printed, nothing dropped"
eq 1 "$(stashed)" "the first chunks are kept"
end_big
"$F" cat --frame -l 1 q > got
cmp big got || fail "the big message after SIGTERM did not arrive whole"
ok "after SIGTERM the next reader prints the big message whole"

# SIGKILL while a message is half through: its first chunks are lost with
# the reader. The next reader throws the rest of it away, says so (status
# 1), and prints the other messages; the one after it is clean.
begin_big
spawn "$F" cat --frame -l 1 q
reader=$SPAWNED
wait_until 10 "the reader to take the first chunks" drained
kill -KILL "$(pgrep -P "$reader")"
finish "$reader"
end_big
echo after | "$F" send --frame q 3>&-
run "$F" cat --frame -l 1 q
eq "1 after" "$STATUS $OUT" "after a reader's SIGKILL the next reads on, status 1"
lost="^fifo cat: 'q': dropped 1 incomplete message \(([0-9]+) bytes received\): another reader took some of their chunks$"
[[ "$ERR" =~ $lost ]] || fail "the warning: [$ERR]"
[ "${BASH_REMATCH[1]}" -lt "$BIG" ] || fail "bytes received: ${BASH_REMATCH[1]}"
ok "it says it dropped the message the killed reader began"
echo clean | "$F" send --frame q 3>&-
run "$F" cat --frame -l 1 q
eq "0 clean" "$STATUS $OUT" "the reader after that is clean"

# 4 writers x 25 messages (lines of 1 byte to 200 KiB, each naming itself)
# and 4 readers in loops of -l 1 and -l 3: every message exactly once.
python3 - <<'PY'
import random
random.seed(15)
for w in range(4):
    with open(f"lines.{w}", "w") as f:
        for m in range(25):
            size = random.choice([1, 100, 5000, 70000, 200000])
            head = f"w{w}m{m}:"
            f.write(head + "x" * max(0, size - len(head)) + "\n")
PY
reader_loop() {
    local count=$1 out=$2 i
    : > "$out"
    for i in $(seq 200); do
        "$F" cat --frame -l "$count" --idle 3s q > "part.$out.$i" 3>&- || return 1
        [ -s "part.$out.$i" ] || return 0
        cat "part.$out.$i" >> "$out"
    done
    return 1
}
export -f reader_loop
export F
# The writers start first, and the readers once the FIFO holds their first
# bytes: a reader gives up after 3 s without data, and readers started
# first could all give up before slow writers' first message (the writers,
# whose opens do not wait as the scenario holds q, then wait for a reader
# that never comes). The writers keep the FIFO full until they end.
pids=()
for w in 0 1 2 3; do
    spawn "$F" send --frame -l q < "lines.$w" 3>&-
    pids+=("$SPAWNED")
done
holds_data() { [ "$("${FS[@]}" stat -c %{buffered} q)" -gt 0 ]; }
wait_until 60 "the writers' first bytes" holds_data
for r in 1 2 3 4; do
    spawn bash -c "reader_loop $(( r % 2 ? 1 : 3 )) got.$r" 3>&-
    pids+=("$SPAWNED")
done
for pid in "${pids[@]}"; do
    finish "$pid"
    eq 0 "$STATUS" "a reader or writer ended well"
done
"$F" cat --frame --idle 1s q > got.rest
eq 100 "$(cat got.* | wc -l)" "100 messages read in all"
eq "$(sort lines.* | sha256sum)" "$(cat got.* | sort | sha256sum)" \
    "every message exactly once, whole, across 4 counted readers"
eq 0 "$(stashed)" "nothing left in the stash"
for r in 1 2 3 4; do
    [ -s "got.$r" ] || echo "note: reader $r got no message (the others were quicker)"
done

# A stash directory others may write to, or a symlink, is passed over: the
# stash goes to a private directory made beside it, which the next reader
# finds; nothing is written into the one passed over.
mv "$STASH" stash.old
mkdir -m 0777 "$STASH"
chmod 0777 "$STASH"
printf 'a\nb\n' | "$F" send --frame -l q 3>&-
run bash -c "exec '$F' cat --frame q > /dev/full"
eq 1 "$STATUS" "a framed reader on /dev/full fails"
made=$(find "$T" -maxdepth 1 -name "fifo-$(id -u).??????")
eq 700 "$(mode_of "$made")" "a private stash is made beside a 0777 one"
eq "" "$(ls -A "$STASH")" "nothing is kept in the 0777 one"
rmdir "$STASH"
ln -s stash.old "$STASH"
run "$F" cat --frame -l 1 q
eq "0 a" "$STATUS $OUT" "past a symlink, the next reader finds the stash made beside it"
eq "" "$(ls -A stash.old)" "nothing is kept through the symlink"
