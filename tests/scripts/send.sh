# fifo send: messages and stdin into a FIFO, --no-wait, -t, --create, record
# mode, refusal of anything that is not a FIFO, and a reader that leaves.
source "$(dirname "$0")/lib.sh"

# The classic python reader makes its FIFO with os.mkfifo(path, 0o600) and
# reads byte by byte until EOF.
cat > reader.py <<'PY'
import os, sys
path = sys.argv[1]
os.mkfifo(path, 0o600)
with open(path, "rb") as f:
    data = f.read()
sys.stdout.write(" ".join(str(b) for b in data))
PY
spawn bash -c "python3 reader.py seed > seen"
reader=$SPAWNED
wait_until 10 "seed to exist as a FIFO" test -p seed
timeout 20 "$F" send -n seed "$(printf '\x01\x02\x03')"
finish "$reader"
eq "1 2 3" "$(cat seen)" "the python reader got exactly the bytes sent"

mkfifo p
spawn bash -c "'$F' cat p > out"
reader=$SPAWNED
timeout 20 "$F" send p hello "big world"
finish "$reader"
eq "hello big world" "$(cat out)" "MESSAGE words are joined by spaces plus newline"
eq 16 "$(stat -c %s out)" "exactly one newline is added"
spawn bash -c "'$F' cat p > out"
timeout 20 "$F" send -n p no newline
finish "$SPAWNED"
eq 10 "$(stat -c %s out)" "-n adds no newline"
spawn bash -c "'$F' cat p > out"
seq 1000 | timeout 20 "$F" send p
finish "$SPAWNED"
eq "$(seq 1000 | sha256sum)" "$(sha256sum < out)" "without MESSAGE, stdin is sent"

# No reader: --no-wait is status 3; -t is 124.
expect_fail 3 "fifo send: 'p': no reader (nobody has it open for reading)" "$F" send --no-wait p x
expect_fail 124 "fifo send: 'p': timed out after 250ms waiting for a reader" "$F" send -t 250ms p x
spawn bash -c "'$F' cat p > out"
blocked_in_open "$SPAWNED"
timeout 20 "$F" send --no-wait p "there is a reader"
finish "$SPAWNED"
eq "there is a reader" "$(cat out)" "--no-wait sends when a reader is there"

# --create makes a private FIFO and waits for a reader there.
spawn "$F" send --create fresh made
writer=$SPAWNED
wait_until 10 "fresh to exist as a FIFO" test -p fresh
eq made "$(timeout 20 cat fresh)" "--create then send"
finish "$writer"
eq 600 "$(mode_of fresh)" "--create makes mode 0600"

# Anything that is not a FIFO is refused before a byte is written.
echo precious > file
expect_fail 1 "fifo send: 'file': not a fifo (it is a regular file)" "$F" send file x
eq precious "$(cat file)" "the regular file is untouched"
expect_fail 1 "fifo send: 'fifoo': cannot open: No such file or directory" "$F" send fifoo x
[ ! -e fifoo ] || fail "send made a file for a typo"
ok "a typo makes no file"
mkdir dir
expect_fail 1 "fifo send: 'dir': cannot open: Is a directory" "$F" send dir x
ln -s file link-to-file
expect_fail 1 "fifo send: 'link-to-file': not a fifo (it is a regular file)" "$F" send link-to-file x
expect_fail 1 "fifo send: '/dev/null': not a fifo (it is a character special file)" "$F" send /dev/null x
ln -s p link-to-fifo
spawn bash -c "'$F' cat p > out"
timeout 20 "$F" send link-to-fifo via link
finish "$SPAWNED"
eq "via link" "$(cat out)" "a symlink to a FIFO is followed"
expect_fail 2 "cannot be used with" "$F" send --no-wait -t 1s p x

# A reader that leaves mid-stream: status 1 and the count delivered.
head -c 10000000 /dev/zero > zeros
spawn python3 -c '
import os
fd = os.open("p", os.O_RDONLY)
got = 0
while got < 100:
    chunk = os.read(fd, 100 - got)
    assert chunk, "end of data before 100 bytes"
    got += len(chunk)
'
expect_fail 1 "fifo send: 'p': reader went away; " bash -c "'$F' send p < zeros"
delivered=$(sed -n 's/.*; \([0-9]*\) bytes were written into its pipe/\1/p' <<<"$ERR")
[ "$delivered" -ge 100 ] && [ "$delivered" -lt 10000000 ] || fail "delivered count [$delivered]"
ok "the message counts $delivered bytes delivered"

# Record mode: a line longer than PIPE_BUF is refused by number; the lines
# before it arrive whole, nothing of it does.
spawn bash -c "'$F' cat p > out"
{ echo short; head -c 5000 /dev/zero | tr '\0' x; echo; echo never; } > long
expect_fail 1 "fifo send: 'p': record 2 is 5001 bytes, longer than PIPE_BUF (4096); it was not sent" bash -c "'$F' send -l p < long"
finish "$SPAWNED"
eq short "$(cat out)" "only the record before the long one was sent"
spawn bash -c "'$F' cat p > out"
printf 'a\0b\0c' | timeout 20 "$F" send -0 p
finish "$SPAWNED"
eq "a|b|c" "$(tr '\0' '|' < out)" "-0 sends NUL-separated records"

# Permission denied: a mode 000 FIFO and a 0555 directory refuse their
# owner too (root, which passes every check, tries as another user).
"$F" mk -m 000 locked
expect_fail 1 "fifo send: 'locked': cannot open: Permission denied" "${UNPRIVILEGED[@]}" "$F" send --no-wait locked x
mkdir -m 555 ro
expect_fail 1 "fifo send: 'ro/denied': cannot create fifo: Permission denied" "${UNPRIVILEGED[@]}" "$F" send --create ro/denied x
[ ! -e ro/denied ] || fail "a denied --create left something behind"
