# fifo serve's options from GNU parallel, each beside parallel itself:
# --keep-order writes jobs' output (whole, per job) in request order
# whatever order they end in, as parallel -k; --joblog writes parallel's
# joblog columns (+FILE appends); --retries N runs a failed job up to N
# times in all, and only the last try's output is written (or, for a
# call, sent back). A joblog path that is not a regular file is refused
# at once, without blocking.
# needs: parallel
source "$(dirname "$0")/lib.sh"
need parallel

# serving PATH: waits until a serve holds PATH.
serving() {
    "${FS[@]}" wait --exists -t 10s "$1" && "${FS[@]}" wait --reader -t 10s "$1"
}

# order.sh [WORD]: the job of request rN (N < 5) ends only once rN+1's
# has (a bounded wait): five at once end last to first, whatever the load.
# Without -k, "once it has" means once its output is out ($ORDER_OUT), so
# that the order of the output is certain too; with -k, once it ended.
cat > order.sh <<'EOF'
x=${1-}
[ -n "$x" ] || read -r x
n=${x#r}
ended() {
    if [ -n "${ORDER_OUT-}" ]; then
        grep -qx "r$1 end" "$ORDER_OUT"
    else
        [ -e "done.r$1" ]
    fi
}
if [ "$n" -lt 5 ]; then
    i=0
    while ! ended $((n + 1)) && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
fi
echo "$x start"
echo "$x note" >&2
echo "$x end"
touch "done.$x"
EOF
for dir in p pk s sk; do mkdir "$dir"; done
(cd p && ORDER_OUT=../p.out parallel --will-cite -j 5 sh ../order.sh ::: r1 r2 r3 r4 r5 > ../p.out 2> ../p.err)
(cd pk && parallel --will-cite -k -j 5 sh ../order.sh ::: r1 r2 r3 r4 r5 > ../pk.out 2> ../pk.err)
spawn bash -c "cd s && ORDER_OUT=../s.out exec '$F' serve --create -j 5 -n 5 ../q -- sh ../order.sh > ../s.out 2> ../s.err"
server=$SPAWNED
serving q
printf 'r%s\n' 1 2 3 4 5 > q
finish "$server"
spawn bash -c "cd sk && exec '$F' serve -k -j 5 -n 5 ../q -- sh ../order.sh > ../sk.out 2> ../sk.err"
server=$SPAWNED
serving q
printf 'r%s\n' 1 2 3 4 5 > q
finish "$server"
eq 0 "$STATUS" "serve -k ends with status 0 ($(tr "\n" " " < sk.err))"
eq "$(printf 'r%s start\nr%s end\n' 5 5 4 4 3 3 2 2 1 1)" "$(cat s.out)" "without -k, the jobs end last to first"
eq "$(cat p.out)" "$(cat s.out)" "without -k, serve writes output in the order parallel does"
eq "$(printf 'r%s start\nr%s end\n' 1 1 2 2 3 3 4 4 5 5)" "$(cat sk.out)" "with -k, output is in request order, each job's whole"
eq "$(cat pk.out)" "$(cat sk.out)" "serve -k writes stdout as parallel -k does"
eq "$(cat pk.err)" "$(cat sk.err)" "serve -k writes stderr as parallel -k does"

# What -k holds back is bounded: under ulimit -n 40 (a quarter of it: 9),
# with request 1 held up, requests 2 to 9 run and wait, and request 10
# starts only once request 1 has ended.
cat > window.sh <<'EOF'
read -r n
echo "start $n" >> window.log
if [ "$n" = 1 ]; then
    i=0
    while [ ! -e go ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
    echo "end 1" >> window.log
fi
echo "$n"
EOF
spawn bash -c "ulimit -n 40 && exec '$F' serve -k -j 20 -n 20 q -- sh window.sh > window.out 2> window.err"
server=$SPAWNED
serving q
seq 20 > q
wait_until 20 "requests 1 to 9 to start" sh -c '[ "$(grep -c start window.log)" -ge 9 ] 2> /dev/null'
touch go
finish "$server"
eq "0 $(seq 20 | tr '\n' ' ')" "$STATUS $(tr '\n' ' ' < window.out)" "-k under a low ulimit -n writes every request's output, in order ($(cat window.err))"
eq "$(seq 9)" "$(sed '/^end 1$/q' window.log | grep start | cut -d ' ' -f 2 | sort -n)" \
    "no request past the 9th starts before request 1 ends"

# --joblog beside parallel --pipe (a job per record on its stdin, as
# serve's requests are): the same header and columns, Send and Receive
# counting the request's and stdout's bytes; the timestamps' shape alike.
cat > log.sh <<'EOF'
read -r x
echo "out-$x"
[ "$x" != fail ] || exit 3
EOF
printf 'ok\nfail\n' | parallel --will-cite --pipe -N1 -j1 --joblog p.log sh log.sh > /dev/null || true
spawn bash -c "exec '$F' serve -n 2 --joblog s.log q -- sh log.sh > /dev/null 2> log.err"
server=$SPAWNED
serving q
printf 'ok\nfail\n' > q
finish "$server"
eq 1 "$STATUS" "serve with a failed job ends with status 1"
# shape FILE: columns 1 to 8, the times' digits made 9s.
shape() {
    awk -F'\t' -v OFS='\t' 'NR > 1 { gsub(/[0-9]/, "9", $3); gsub(/[0-9]/, "9", $4) } { NF = 8; print }' "$1"
}
eq "$(shape p.log)" "$(shape s.log)" "serve's joblog has parallel's header and columns"
eq "$(head -1 p.log)" "$(head -1 s.log)" "the header is parallel's, byte for byte"
eq "$(printf 'ok\nfail')" "$(cut -f 9 s.log | tail -n +2)" "the last column is the request"

# A job killed by a signal: Exitval 0 and the signal, as parallel logs it.
printf 'kill -TERM $$\n' > killer.sh
parallel --will-cite -j1 --joblog pkill.log sh killer.sh ::: x || true
spawn bash -c "exec '$F' serve -n 1 --joblog +s.log q -- sh killer.sh 2> /dev/null"
server=$SPAWNED
serving q
printf 'a\tb\\c\n' > q
finish "$server"
eq "$(tail -1 pkill.log | cut -f 2,6-8)" "$(tail -1 s.log | cut -f 2,6-8)" "a killed job's Exitval and Signal are parallel's"
eq "4|1	:|6	0	0	15	a\tb\\\\c" "$(wc -l < s.log)|$(tail -1 s.log | cut -f 1,2)|$(tail -1 s.log | cut -f 5-)" \
    "+FILE appends (no second header); a tab and a backslash in the request are escaped"

# --retries beside parallel --retries: a tries 3 times and fails, b
# succeeds on its second try; only the last try's output is written.
cat > try.sh <<'EOF'
x=${1-}
[ -n "$x" ] || read -r x
echo try >> "tries.$x"
n=$(wc -l < "tries.$x")
echo "out $x $n"
echo "err $x $n" >&2
[ "$x" = b ] && [ "$n" -ge 2 ]
EOF
mkdir pr sr
(cd pr && parallel --will-cite -j1 --retries 3 sh ../try.sh ::: a b > ../pr.out 2> ../pr.err) || true
spawn bash -c "cd sr && exec '$F' serve --retries 3 -n 2 ../q -- sh ../try.sh > ../sr.out 2> ../sr.err"
server=$SPAWNED
serving q
printf 'a\nb\n' > q
finish "$server"
eq 1 "$STATUS" "a job that failed every try makes serve's status 1"
eq "$(cat pr.out)" "$(cat sr.out)" "serve --retries writes the last tries' stdout as parallel --retries"
eq "3 2" "$(wc -l < sr/tries.a) $(wc -l < sr/tries.b)" "a ran 3 times, b until it succeeded"
eq "$(wc -l < pr/tries.a) $(wc -l < pr/tries.b)" "$(wc -l < sr/tries.a) $(wc -l < sr/tries.b)" "as many tries as parallel's"
eq "$(printf 'err a 3\nfifo serve: request 1: sh exited with status 1 (tried 3 times)\nerr b 2')" \
    "$(cat sr.err)" "the failure says how many times it was tried"

# A call's reply carries its last try's output and status.
cd sr
rm -f tries.*
spawn bash -c "exec '$F' serve --retries 2 ../q -- sh ../try.sh 2> calls.err"
wait_until 10 "the call socket" call_socket_ready ../q.sock
run "$F" call -t 20s ../q c
eq "1|out c 2|err c 2" "$STATUS|$OUT|$ERR" "a call's reply is its last try's"
run "$F" call -t 20s ../q b
eq "0|out b 2" "$STATUS|$OUT" "a call succeeding on its second try succeeds"
kill -TERM "$SPAWNED"
finish "$SPAWNED"
cd ..

# A joblog path that is not a regular file is refused before serving, at
# once: a FIFO nobody reads (no blocking), one with a reader, a device, a
# directory.
"$F" mk log.fifo
expect_fail 1 "fifo serve: 'log.fifo': refusing to write a log into a fifo or socket, not a regular file" \
    "$F" serve --joblog log.fifo q -- cat
spawn "$F" cat log.fifo
blocked_in_open "$SPAWNED"
expect_fail 1 "fifo serve: 'log.fifo': refusing to write a log into a fifo, not a regular file" \
    "$F" serve --joblog log.fifo q -- cat
# (The open was the reader's writer: it has seen end-of-file.)
finish "$SPAWNED"
expect_fail 1 "fifo serve: '/dev/null': refusing to write a log into a character special file, not a regular file" \
    "$F" serve --joblog /dev/null q -- cat
expect_fail 1 "fifo serve: 'p': cannot open: Is a directory" "$F" serve --joblog p q -- cat
expect_fail 2 "fifo serve: invalid value '0' for '--retries <N>': invalid number of tries '0' (use 1 or more) (try 'fifo serve --help')" \
    "$F" serve --retries 0 q -- cat

# A joblog past `ulimit -f` is a write error said in one line, status 1,
# not SIGXFSZ ending serve (its stderr goes through cat, which the limit
# does not bind).
run bash -c "set -o pipefail; (ulimit -f 0; exec '$F' serve --joblog big.log q -- cat) 2>&1 | cat"
eq "1|fifo serve: 'big.log': write error: File too large" "$STATUS|$OUT" "a joblog past ulimit -f is a write error"
