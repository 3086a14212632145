# Two `fifo serve` of one FIFO started at once: one serves, the other says
# another server answers there, as when it starts second. strace stops the
# first once its socket is made under its hidden name, before its link to
# PATH.sock, until the second has started and linked its own: the first said "a file made in its place meanwhile is
# in its place", as if someone had planted a file, and the winner took the
# loser's look at its socket (a connection that sends nothing) for a
# dropped call.
# needs: strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need strace

"$F" mk q
spawn_stopping newfstatat "$F" serve -n 1 q -- tr a-z A-Z 2> first.err
stop_after 'newfstatat\([0-9]+, "\.q\.sock\.[0-9]+", \{st_mode=S_IFSOCK' \
    "the first server to make its socket"
spawn bash -c "exec '$F' serve -n 1 q -- tr a-z A-Z 2> second.err"
second=$SPAWNED
wait_until 20 "the second server's socket in place" test -S q.sock
finish_stopping
eq "1 fifo serve: 'q.sock': cannot open: Address already in use" "$STATUS $(grep -v '^strace' first.err)" \
    "the server that lost says another one answers there"
run "$F" call -t 15s q hello
eq "0 HELLO" "$STATUS $OUT" "the one that won answers"
finish "$second"
eq "0 " "$STATUS $(cat second.err)" "and ends well, with no word of the loser's look at its socket"
eq "" "$(ls -A | grep 'q\.sock' || true)" "no socket is left, under either name"
