# Closed standard streams: a command that would read a closed stdin or write
# a closed stdout fails at once (status 1, one line) before it reads a byte
# from a FIFO or waits for a peer, and the data stays in the FIFO for the
# next reader. Commands that do not use the stream are not bothered.
# needs: linux
source "$(dirname "$0")/lib.sh"

# loaded NAME DATA: a FIFO NAME holding DATA, kept open read-write on fd 7
# of this shell (bash's exec 7<>), so the data waits there.
loaded() {
    exec 7<&-
    rm -f "$1"
    mkfifo "$1"
    exec 7<>"$1"
    printf '%s' "$2" >&7
}

# still_there NAME DATA WHAT: a second reader gets exactly DATA from NAME.
still_there() {
    local got
    # The dot keeps a trailing newline from $(...).
    got=$(timeout 20 "$F" cat -c "${#2}" "$1" && echo .)
    eq "$2." "$got" "$3: the data is still in the FIFO"
}

bad_stdout="standard output: write error: Bad file number"
bad_stdin="standard input: read error: Bad file number"

# cat -c with stdout closed: the issue's reproduction.
loaded f $'precious\n'
expect_fail 1 "fifo cat: $bad_stdout" bash -c "'$F' cat -c 9 f >&-"
still_there f $'precious\n' "cat -c 9 >&-"
loaded f $'precious\n'
expect_fail 1 "fifo cat: $bad_stdout" bash -c "'$F' cat f >&-"
still_there f $'precious\n' "cat >&-"
loaded f $'a\nb\n'
expect_fail 1 "fifo cat: $bad_stdout" bash -c "'$F' cat --merge -l 1 f >&-"
still_there f $'a\nb\n' "cat --merge >&-"
# Open only for reading is no better than closed.
loaded f $'precious\n'
expect_fail 1 "fifo cat: $bad_stdout" bash -c "'$F' cat -c 9 f 1</dev/null"
still_there f $'precious\n' "cat 1</dev/null"

# Before waiting for a writer: no FIFO has one here, and no timeout is set.
mkfifo empty
expect_fail 1 "fifo cat: $bad_stdout" bash -c "'$F' cat empty >&-"

# tee: stdout closed, stdin closed; its FIFO output gets nothing, not even EOF
# before a reader is there (nobody reads it, and it would wait forever).
expect_fail 1 "fifo tee: $bad_stdout" bash -c "echo data | '$F' tee empty >&-"
expect_fail 1 "fifo tee: $bad_stdin" bash -c "'$F' tee empty <&-"
expect_fail 1 "fifo tee: $bad_stdin" bash -c "'$F' tee <&-"

# stat writes a report: nowhere to write it is an error; a bare wait is not.
expect_fail 1 "fifo stat: $bad_stdout" bash -c "'$F' stat f >&-"
expect_fail 1 "fifo stat: $bad_stdout" bash -c "'$F' stat -c %F f >&-"
expect_fail 1 "fifo stat: $bad_stdout" bash -c "'$F' stat --json f >&-"
run bash -c "'$F' stat --wait-reader -t 1s f >&-"
eq "0 " "$STATUS $ERR" "stat --wait-reader prints nothing, so needs no stdout"

# send: stdin closed is not an empty message. The reader is there at once
# (fd 7 holds the FIFO open), so without the check it would succeed.
loaded f ""
expect_fail 1 "fifo send: $bad_stdin" bash -c "'$F' send --no-wait f <&-"
expect_fail 1 "fifo send: $bad_stdin" bash -c "'$F' send -l --no-wait f <&-"
# Open only for writing is no better than closed.
expect_fail 1 "fifo send: $bad_stdin" bash -c "'$F' send --no-wait f 0>/dev/null"
# Words on the command line need no stdin.
run bash -c "'$F' send --no-wait f hello <&-"
eq "0 " "$STATUS $ERR" "send with MESSAGE works with stdin closed"
still_there f $'hello\n' "send MESSAGE <&-"

# cat - (and cat with no PATH) reads stdin.
expect_fail 1 "fifo cat: $bad_stdin" bash -c "'$F' cat - <&-"
expect_fail 1 "fifo cat: $bad_stdin" bash -c "'$F' cat <&-"
loaded f $'kept\n'
expect_fail 1 "fifo cat: $bad_stdin" bash -c "'$F' cat f - <&-"
still_there f $'kept\n' "cat f - <&-"
# A FIFO alone does not need stdin.
loaded f $'kept\n'
run bash -c "'$F' cat -c 5 f <&-"
eq "0 kept" "$STATUS $OUT" "cat PATH works with stdin closed"

# /dev/null is a stream, not a closed one (Rust reopens a closed descriptor
# on /dev/null, so it must not be taken for one): in any direction, and as
# Python's subprocess.DEVNULL opens it (read-write).
run bash -c "'$F' cat - < /dev/null"
eq "0 " "$STATUS $OUT" "cat - < /dev/null is an empty stream"
run bash -c "'$F' cat - <> /dev/null"
eq "0 " "$STATUS $OUT" "cat - <> /dev/null is an empty stream"
loaded f $'gone\n'
run bash -c "'$F' cat -c 5 f > /dev/null"
eq "0 " "$STATUS $ERR" "cat > /dev/null drains"
if command -v python3 > /dev/null; then
    loaded f $'gone\n'
    run python3 -c '
import subprocess, sys
sys.exit(subprocess.run([sys.argv[1], "cat", "-c", "5", "f"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL).returncode)' "$F"
    eq "0 " "$STATUS $ERR" "subprocess.DEVNULL is a stream"
else
    printf 'skip - subprocess.DEVNULL: python3 is not installed\n'
fi

# mk --temp prints a path: with nowhere to print it, nothing is made.
mkdir made
expect_fail 1 "fifo mk: $bad_stdout" bash -c "'$F' mk --temp --dir made >&-"
eq "" "$(ls made)" "mk --temp >&- leaves nothing in DIR"
# Commands that print nothing do not care.
run bash -c "'$F' mk plain >&- <&-"
[ "$STATUS" = 0 ] && [ -p plain ] || fail "mk PATH with closed streams: $STATUS $ERR"
ok "mk PATH needs no standard stream"

# Help and the generated documents have nowhere to go either.
expect_fail 1 "fifo: $bad_stdout" bash -c "'$F' --help >&-"
expect_fail 1 "fifo: $bad_stdout" bash -c "'$F' --list >&-"
expect_fail 1 "fifo send: $bad_stdout" bash -c "'$F' send --version >&-"
expect_fail 1 "fifo completions: $bad_stdout" bash -c "'$F' completions bash >&-"
expect_fail 1 "fifo man: $bad_stdout" bash -c "'$F' man >&-"
run bash -c "'$F' man --dir . >&-"
[ "$STATUS" = 0 ] && [ -s fifo.1 ] || fail "man --dir with stdout closed: $STATUS $ERR"
ok "man --dir writes files, needs no stdout"

# redirect hands CMD its streams as it got them: a closed one stays closed,
# so CMD's own write error is seen (bash's echo fails with status 1).
loaded f ""
expect_fail 1 "echo: write error: Bad file descriptor" bash -c "'$F' redirect --fd 3 --rw f -- bash -c 'echo hi' >&-"
run bash -c "'$F' redirect --fd 1 --rw f -- bash -c 'echo through' >&-"
eq "0 " "$STATUS $ERR" "redirect --fd 1 fills a closed stdout with PATH"
still_there f $'through\n' "redirect --fd 1"
exec 7<&-
