# cat --create --rm removes its FIFO when SIGINT, SIGTERM or SIGHUP end it,
# while waiting for a writer and in the middle of a transfer, and dies of
# that signal (bash reports 128 + n: 130, 143, 129).
source "$(dirname "$0")/lib.sh"
# Job control: background jobs keep SIGINT instead of ignoring it.
set -m

for signal in INT TERM HUP; do
    want=$((128 + $(kill -l "$signal")))

    "$F" cat --create --rm "waiting.$signal" > /dev/null &
    pid=$!
    PIDS+=("$pid")
    blocked_in_open "$pid"
    [ -p "waiting.$signal" ] || fail "--create made no FIFO"
    kill -s "$signal" "$pid"
    finish "$pid"
    eq "$want" "$STATUS" "SIG$signal while waiting for a writer: status $want"
    [ ! -e "waiting.$signal" ] || fail "SIG$signal left the FIFO behind"
    ok "SIG$signal while waiting: FIFO removed"

    "$F" cat --create --rm "busy.$signal" > "got.$signal" &
    pid=$!
    PIDS+=("$pid")
    blocked_in_open "$pid"
    exec 8> "busy.$signal"
    echo first >&8
    until [ -s "got.$signal" ]; do sleep 0.01; done
    kill -s "$signal" "$pid"
    finish "$pid"
    exec 8>&-
    eq "$want first" "$STATUS $(cat "got.$signal")" "SIG$signal during a transfer: status $want after the data so far"
    [ ! -e "busy.$signal" ] || fail "SIG$signal during a transfer left the FIFO behind"
    ok "SIG$signal during a transfer: FIFO removed"
done

# A FIFO that replaced ours is not removed.
"$F" cat --create --rm swapped > /dev/null &
pid=$!
PIDS+=("$pid")
blocked_in_open "$pid"
mv swapped moved
mkfifo swapped
exec 8> moved
exec 8>&-
finish "$pid"
eq 0 "$STATUS" "cat ended when its writer closed"
[ -p swapped ] || fail "--rm removed a FIFO that replaced its own"
ok "--rm leaves a replacement alone"
