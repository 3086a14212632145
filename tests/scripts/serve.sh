# fifo serve as a work queue: lines from any writer, NUL records, -j with
# whole (never interleaved) output per job, -n reading no byte past its last
# request, --idle, failed jobs reported with status 1, and signals (jobs
# ended, --rm done, 130/143/129).
source "$(dirname "$0")/lib.sh"

# serving PATH: waits until a serve holds PATH.
serving() {
    "$F" wait --exists -t 10s "$1" && "${FS[@]}" wait --reader -t 10s "$1"
}

# Lines from bash, fifo send and printf, one after another, in order.
spawn bash -c "exec '$F' serve --create --rm -n 3 q -- tr a-z A-Z > out 2> err"
server=$SPAWNED
serving q
echo one > q
"$F" send -l q two
printf 'three\n' > q
finish "$server"
eq 0 "$STATUS" "serve -n 3 ends by itself with status 0 ($(cat err))"
eq "ONE TWO THREE" "$(tr '\n' ' ' < out | sed 's/ $//')" "each line runs CMD once, in order with -j 1"
[ ! -e q ] || fail "--rm left the FIFO behind"
ok "--rm removes the FIFO it made"

# NUL-terminated records: CMD gets each record without its NUL.
spawn bash -c "exec '$F' serve --create -0 -n 2 r -- sh -c 'cat; echo .' > out0"
server=$SPAWNED
serving r
printf 'a b\0c\nd\0' > r
finish "$server"
eq 0 "$STATUS" "serve -0 ends after 2 records"
eq "$(printf 'a b.\nc\nd.')" "$(cat out0)" "-0: a record may hold spaces and newlines"

# 1000 jobs through 3 workers: each runs once, and each job's two lines
# (with work in between) stay together.
job='read n; echo "start $n"; i=0; while [ $i -lt 300 ]; do i=$((i+1)); done; echo "end $n"'
spawn bash -c "exec '$F' serve --create -j 3 -n 1000 w -- sh -c '$job' > outw 2> errw"
server=$SPAWNED
serving w
seq 1000 | "$F" send -l w
finish "$server"
eq 0 "$STATUS" "serve -j 3 -n 1000 ends with status 0 ($(head -3 errw))"
eq 2000 "$(wc -l < outw)" "1000 jobs print 2000 lines"
paired=$(awk 'NR % 2 == 1 { split($0, a, " "); n = a[2]; if (a[1] != "start") bad++ }
              NR % 2 == 0 { if ($0 != "end " n) bad++ } END { print bad + 0 }' outw)
eq 0 "$paired" "no job's output is interleaved with another's"
eq "$(seq 1000 | sort)" "$(awk '/^start/ { print $2 }' outw | sort)" "every job ran exactly once"

# -n takes no byte past its last request: the rest stays in the FIFO.
run "$F" hold -b --create h
holder=$OUT
PIDS+=("$holder")
printf 'one\ntwo\nthree\n' > h
run "$F" serve -n 2 h -- cat
eq "0 one two" "$STATUS $(tr '\n' ' ' <<<"$OUT" | sed 's/ $//')" "serve -n 2 takes two lines"
eq three "$(timeout 60 "$F" cat -l 1 h)" "the third line is still in the FIFO for the next reader"
kill -TERM "$holder"

# A failed CMD is reported with its request number; serve goes on; status 1.
spawn bash -c "exec '$F' serve --create -n 3 f -- sh -c 'read x; echo \$x; [ \"\$x\" != bad ]' > outf 2> errf"
server=$SPAWNED
serving f
printf 'good\nbad\nfine\n' > f
finish "$server"
eq 1 "$STATUS" "serve's status is 1 when a CMD failed"
eq "good bad fine" "$(tr '\n' ' ' < outf | sed 's/ $//')" "serve goes on after a failed CMD"
eq "fifo serve: request 2: sh exited with status 1" "$(cat errf)" "the failure names the request and its status"

# A CMD killed by a signal is reported as such.
spawn bash -c "exec '$F' serve --create -n 1 k -- sh -c 'kill -KILL \$\$' 2> errk"
server=$SPAWNED
serving k
echo x > k
finish "$server"
eq "1 fifo serve: request 1: sh was killed by SIGKILL" "$STATUS $(cat errk)" "a killed CMD is a failure named by its signal"

# A binary line starting with 0xff is skipped, with a note; the next is served.
spawn bash -c "exec '$F' serve --create -n 1 b -- cat > outb 2> errb"
server=$SPAWNED
serving b
printf '\377junk\nnext\n' > b
finish "$server"
eq "0 next" "$STATUS $(cat outb)" "a line after a skipped one is served"
[[ "$(cat errb)" == "fifo serve: 'b': at byte 0: a line starting with byte 0xff is not a frame"* ]] || fail "no note of the skipped line: $(cat errb)"
ok "the skipped line is noted with its offset"

# serve's stdout closed by its reader: serve stops, quietly, with 141.
# The reader's subshell closes its stdin once head has left and then says
# so: the next job's output meets a closed pipe, and serve stops. (Two
# writes after head merely took a line raced: the second could find serve
# already gone and block opening c for ever.)
spawn bash -c "'$F' serve --create c -- cat 2> errc | (head -1 > outc; exec <&-; touch reader.gone); echo \${PIPESTATUS[0]} > statusc"
server=$SPAWNED
serving c
printf 'one\n' > c
wait_until 10 "the reader of serve's stdout to leave" test -e reader.gone
"$F" send -t 10s -l c two
finish "$server"
eq "141 one" "$(cat statusc) $(cat outc)" "serve stops with 141 once its stdout is closed"
eq "" "$(cat errc)" "and says nothing about it"

# --idle: a quiet spell with no job running ends serve with status 0.
run "$F" serve --create --rm --idle 300ms i -- cat
eq 0 "$STATUS" "--idle ends a quiet serve ($ERR)"
[ ! -e i ] || fail "--idle --rm left the FIFO"

# Signals: running jobs are ended, --rm is done, serve dies of the signal.
set -m
for signal in INT TERM HUP; do
    want=$((128 + $(kill -l "$signal")))
    "$F" serve --create --rm "s.$signal" -- sh -c 'echo $$ > child; exec sleep 30' > /dev/null &
    pid=$!
    PIDS+=("$pid")
    serving "s.$signal"
    rm -f child
    echo job > "s.$signal"
    wait_until 10 "the job to start" test -s child
    kill -s "$signal" "$pid"
    finish "$pid"
    eq "$want" "$STATUS" "SIG$signal: serve's status is $want"
    [ ! -e "s.$signal" ] || fail "SIG$signal left the FIFO behind"
    ! kill -0 "$(cat child)" 2>/dev/null || fail "SIG$signal left the job running"
    ok "SIG$signal: the running job is ended and the FIFO removed"
done

# A stdout that cannot be written (a full device) is found before a request
# is taken: serve says so in one line, status 1, and the request stays in
# the FIFO for the next reader.
"$F" mk full
exec 7<> full
printf 'job\n' >&7
run bash -c "exec '$F' serve -n 1 full -- echo output > /dev/full"
eq 1 "$STATUS" "serve's status is 1 when its stdout cannot be written"
eq "fifo serve: standard output: write error: No space left on device" "$ERR" \
    "serve says its stdout cannot be written"
run "$F" cat -l 1 full
eq "0 job" "$STATUS $OUT" "the request is still in the FIFO"
exec 7>&-
