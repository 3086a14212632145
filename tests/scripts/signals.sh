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
    wait_until 10 "the first line to arrive" test -s "got.$signal"
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

# send, tee and redirect: SIGINT, SIGTERM and SIGHUP end them promptly with
# the conventional status, while blocked in open and during a transfer.
mkfifo sig
for signal in INT TERM HUP; do
    want=$((128 + $(kill -l "$signal")))
    for cmd in "send sig hello" "tee sig" "redirect --fd 5 --write sig -- sleep 30"; do
        "$F" $cmd < /dev/null > /dev/null &
        pid=$!
        PIDS+=("$pid")
        blocked_in_open "$pid"
        kill -s "$signal" "$pid"
        finish "$pid"
        eq "$want" "$STATUS" "fifo $cmd, SIG$signal while blocked in open: $want"
    done
    # During a transfer: the reader holds on, the writer is busy.
    exec 9<>sig
    head -c 100000000 /dev/zero > zeros
    for cmd in "send sig" "tee sig"; do
        ( exec "$F" $cmd < /dev/zero > /dev/null ) &
        pid=$!
        PIDS+=("$pid")
        timeout 20 head -c 1000000 <&9 > /dev/null
        kill -s "$signal" "$pid"
        finish "$pid"
        eq "$want" "$STATUS" "fifo $cmd, SIG$signal during a transfer: $want"
    done
    exec 9>&-
done

# Record mode: a sender killed mid-stream leaves no partial record.
python3 -c 'import sys; sys.stdout.write("".join(f"{n:08d} " + "r" * 3000 + "\n" for n in range(20000)))' > records
spawn bash -c "'$F' cat -k sig > received"
reader=$SPAWNED
"$F" send -l sig < records &
sender=$!
# more_than BYTES FILE: FILE holds more than BYTES bytes.
more_than() { [ "$(stat -c %s "$2" 2>/dev/null || echo 0)" -gt "$1" ]; }
wait_until 30 "1 MB of records to arrive" more_than 1000000 received
kill -TERM "$sender"
finish "$sender"
eq 143 "$STATUS" "send -l killed by SIGTERM mid-stream"
spawn "$F" send sig "end"
# ends_with_end: the last line received is "end".
ends_with_end() { [ "$(tail -n 1 received)" = end ]; }
wait_until 30 "the last record to arrive" ends_with_end
kill "$reader"
python3 - <<'PY'
lines = open("received").read().split("\n")
assert lines[-1] == "" and lines[-2] == "end", lines[-3:]
for n, line in enumerate(lines[:-2]):
    assert line == f"{n:08d} " + "r" * 3000, f"record {n} is partial or out of order: {line[:20]!r} ({len(line)} bytes)"
print(f"{len(lines) - 2} whole records before the signal, none partial")
PY
ok "no partial record after SIGTERM"
