# Two `fifo serve` of one FIFO started at once: one serves, the other says
# another server answers there, as when it starts second. strace holds the
# first in its link of the socket to PATH.sock for 2 s, while the second
# starts and wins: the first said "a file made in its place meanwhile is
# in its place", as if someone had planted a file, and the winner took the
# loser's look at its socket (a connection that sends nothing) for a
# dropped call.
# needs: strace
source "$(dirname "$0")/lib.sh"
need strace
strace -f -o /dev/null -e inject=linkat:delay_enter=1000 true 2> /dev/null ||
    skip "this strace cannot delay a system call (-e inject=...:delay_enter)"

"$F" mk q
spawn bash -c "exec strace -f -o /dev/null -e inject=linkat:delay_enter=2000000 \
    '$F' serve -n 1 q -- tr a-z A-Z 2> first.err"
first=$SPAWNED
wait_until 20 "the first server to make its socket" compgen -G '.q.sock.*' > /dev/null
spawn bash -c "exec '$F' serve -n 1 q -- tr a-z A-Z 2> second.err"
second=$SPAWNED
finish "$first"
eq "1 fifo serve: 'q.sock': cannot open: Address already in use" "$STATUS $(cat first.err)" \
    "the server that lost says another one answers there"
run "$F" call -t 15s q hello
eq "0 HELLO" "$STATUS $OUT" "the one that won answers"
finish "$second"
eq "0 " "$STATUS $(cat second.err)" "and ends well, with no word of the loser's look at its socket"
eq "" "$(ls -A | grep 'q\.sock' || true)" "no socket is left, under either name"
