# fifo cat: waits for writers, copies in order, -k, --create/--rm, -t, --idle,
# -c/-l that leave the rest in the FIFO, 141 on a closed stdout, and errors.
source "$(dirname "$0")/lib.sh"

# The classic ping client (python, os.open + os.write) against fifo cat.
mkfifo ping
spawn bash -c "'$F' cat ping > got"
reader=$SPAWNED
python3 -c '
import os
fd = os.open("ping", os.O_WRONLY)
for _ in range(100): os.write(fd, b"ping")
os.write(fd, b"end")'
finish "$reader"
eq 0 "$STATUS" "cat exits 0 when the writer closes"
eq "$(printf 'ping%.0s' $(seq 100))end" "$(cat got)" "100 pings and end from a python writer"

# Several inputs in order: a file, stdin, a FIFO.
echo first > one
mkfifo mid
spawn "$F" send mid middle
eq "first
stdin
middle" "$(echo stdin | timeout 20 "$F" cat one - mid)" "PATHs are copied in order, - is stdin"

# -k: later writers are served by the same reader until the line limit.
mkfifo keep
spawn bash -c "'$F' cat -k -l 3 keep > kept"
reader=$SPAWNED
for word in alpha beta gamma; do
    timeout 20 "$F" send keep "$word"
done
finish "$reader"
eq 0 "$STATUS" "-k -l 3 ends after three lines"
eq "alpha
beta
gamma" "$(cat kept)" "-k keeps serving writers that come one after another"

# -c and -l never take more than they print: the rest stays for the next
# reader (while fd 3 holds the FIFO open: a pipe with no ends loses its data).
mkfifo part
spawn bash -c "exec 3<>part; printf 'one\ntwo\nthree\nfour\n' >&3; '$F' cat -l 2 part > firsttwo; '$F' cat -c 3 part > next3; '$F' cat -l 2 part > rest"
finish "$SPAWNED"
eq "one
two" "$(cat firsttwo)" "-l 2 prints two lines"
eq "thr" "$(cat next3)" "-c 3 starts where -l stopped"
eq "ee
four" "$(cat rest)" "the rest stayed in the FIFO"

# -l on a regular file gives back what it over-read.
printf 'a\nb\nc\n' > abc
eq "a|b
c" "$( (timeout 20 "$F" cat -l 1 - | tr '\n' '|'; cat) < abc)" "-l on a seekable stdin leaves the rest for the next command"

# --create makes a private FIFO; --rm removes it when done.
spawn "$F" send --create made hello
wait_until 10 "made to exist as a FIFO" test -p made
timeout 20 "$F" cat made > /dev/null
finish "$SPAWNED"
[ -p made ] || fail "--create did not make a FIFO"
eq 600 "$(mode_of made)" "--create makes mode 0600"
spawn bash -c "'$F' cat --create --rm temp > fromtemp"
reader=$SPAWNED
blocked_in_open "$reader"
[ -p temp ] || fail "cat --create did not make temp"
timeout 20 "$F" send temp bye
finish "$reader"
eq "0 bye" "$STATUS $(cat fromtemp)" "cat --create --rm reads"
[ ! -e temp ] || fail "--rm left the FIFO behind"
ok "--rm removed the FIFO it created"
"$F" mk kept-fifo
spawn "$F" send kept-fifo x
timeout 20 "$F" cat --create --rm kept-fifo > /dev/null
[ -p kept-fifo ] || fail "--rm removed a FIFO it did not create"
ok "--rm leaves a FIFO it did not create"

# -t: no writer in time is status 124; --idle ends a quiet stream with 0.
mkfifo lonely
expect_fail 124 "fifo cat: 'lonely': timed out after 200ms waiting for a writer" "$F" cat -t 200ms lonely
# Of several failures a timeout outranks a plain one that came first.
run "$F" cat -t 200ms missing lonely
eq "124 fifo cat: 'missing': cannot open: No such file or directory
fifo cat: 'lonely': timed out after 200ms waiting for a writer" "$STATUS $ERR" "a timeout after a failure is status 124"
mkfifo quiet
# The line is in the FIFO before the reader opens it, so the quiet spell
# starts once it is read, however late the holder runs: read-write (3<>),
# bash writes it with no reader there yet, then keeps a write end only.
spawn bash -c "exec 3<>quiet; echo said >&3; exec 4>quiet 3<&-; touch quiet.ready; sleep 30"
holder=$SPAWNED
wait_until 10 "the line in quiet, held by a writer" test -e quiet.ready
run "$F" cat --idle 300ms quiet
eq "0 said" "$STATUS $OUT" "--idle stops after a quiet spell, writer still open"
kill "$holder"

# A closed stdout ends cat quietly with 141, from a file and from a FIFO.
head -c 5000000 /dev/zero > zeros
set +o pipefail
"$F" cat zeros | head -c 10 > /dev/null
status=${PIPESTATUS[0]}
eq 141 "$status" "stdout closed early: 141"
mkfifo endless
spawn bash -c "yes > endless"
"$F" cat endless 2> err.txt | head -n 1 > /dev/null
status=${PIPESTATUS[0]}
set -o pipefail
eq "141 " "$status $(cat err.txt)" "stdout closed while reading a FIFO: 141, no message"

# Errors: one line naming the path, cat goes on with the other PATHs.
expect_fail 1 "fifo cat: 'missing': cannot open: No such file or directory" "$F" cat missing
[ ! -e missing ] || fail "cat created the missing path"
mkdir adir
expect_fail 1 "fifo cat: 'adir': cannot open: Is a directory" "$F" cat adir
run "$F" cat missing one
eq "1 first" "$STATUS $OUT" "a failing PATH does not stop the next"
expect_fail 2 "invalid time interval 'soon'" "$F" cat -t soon lonely
expect_fail 2 "--create" "$F" cat --rm lonely
expect_fail 1 "fifo cat: standard output: write error: No space left on device" bash -c "'$F' cat one > /dev/full"

# Permission denied: a mode 000 FIFO refuses its owner too (root, which
# passes every check, tries as another user).
"$F" mk -m 000 locked
expect_fail 1 "fifo cat: 'locked': cannot open: Permission denied" "${UNPRIVILEGED[@]}" "$F" cat -t 5s locked
