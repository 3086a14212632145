# fifo serve under a file size limit (ulimit -f): a request is spooled in a
# file (a call's body, CMD's stdin), and a write past the limit raises
# SIGXFSZ, which ended serve and every caller's call with it. A request
# larger than the limit is refused (a call) or skipped (a line on the
# FIFO), with one line, and serve goes on serving.
source "$(dirname "$0")/lib.sh"
mkdir tmp
export TMPDIR=$T/tmp

"$F" mk s
spawn bash -c "ulimit -f 100; exec '$F' serve s -- wc -c > serve.out 2> serve.err"
server=$SPAWNED
wait_until 10 "the call socket" call_socket_ready s.sock

# 100 blocks of 1024 bytes: 102400 bytes.
head -c 200000 /dev/zero > big
run "$F" call -t 10s s < big
eq "1|fifo call: 's': the server did not run the call: a request larger than 102400 bytes" \
    "$STATUS|$ERR" "a call larger than ulimit -f is refused with one line"
{ tr '\0' a < big; echo; } > s
run "$F" call -t 10s s "still here"
eq "0 11" "$STATUS $OUT" "serve is still serving after both"
head -c 102400 /dev/zero > limit
run "$F" call -t 10s s < limit
eq "0 102400" "$STATUS $OUT" "a call of exactly the limit is run"
kill -TERM "$server"
finish "$server"
eq 143 "$STATUS" "serve ends by SIGTERM, not by SIGXFSZ"
eq "fifo serve: 's': at byte 0: a request larger than 102400 bytes; skipped" \
    "$(cat serve.err)" "the line larger than the limit is skipped with one note"
