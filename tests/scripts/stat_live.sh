# fifo stat, live: holders seen in /proc with bash exec 3<f / exec 4>f,
# bytes waiting and capacity read without consuming them, --wait-reader /
# --wait-writer without opening the FIFO. (What another user's holders look
# like to an unprivileged user: stat_other_user.sh.)
# needs: linux
source "$(dirname "$0")/lib.sh"

"$F" mk f
spawn bash -c 'exec 3<f; echo reader > reader.pid; exec sleep 30'
reader=$SPAWNED
spawn bash -c 'exec 4>f; printf hello >&4; echo writer > writer.pid; exec sleep 30'
writer=$SPAWNED
wait_until 10 "the reader to hold the FIFO" test -s reader.pid
wait_until 10 "the writer to hold the FIFO" test -s writer.pid
# The holders are the sleeps that bash exec'd into, below timeout.
reader_pid=$(pgrep -P "$reader" sleep)
writer_pid=$(pgrep -P "$writer" sleep)
capacity=$(default_pipe_size)
counts="1 1"
# Counts may be lower bounds (N+) where some process cannot be inspected.
got=$("$F" stat -c '%{readers} %{writers} %{opening} %{buffered} %{capacity}' f)
eq "1 1 0 5 $capacity" "${got//+/}" "one reader, one writer, none opening, 5 bytes waiting, a $capacity-byte pipe"

run "$F" stat f
[[ "$OUT" == *"Holder: pid $reader_pid (sleep) fd 3 read (open)"* ]] || fail "human output lacks the reader: $OUT"
[[ "$OUT" == *"Holder: pid $writer_pid (sleep) fd 4 write (open)"* ]] || fail "human output lacks the writer: $OUT"
ok "human output names each holder, its descriptor and direction"

"$F" stat --json f > live.json
python3 - "$reader_pid" "$writer_pid" "$capacity" "$counts" <<'PY'
import json, sys
reader, writer, capacity = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
row = json.loads(open("live.json").read())
pipe = row["pipe"]
holders = {(h["pid"], h["fd"], h["access"], h["command"], h["state"]) for h in pipe["holders"]}
assert holders == {(reader, 3, "read", "sleep", "open"), (writer, 4, "write", "sleep", "open")}, holders
assert (pipe["readers"], pipe["writers"], pipe["buffered"], pipe["capacity"]) == (1, 1, 5, capacity), row
assert pipe["counts_exact"] == (pipe["uninspected_processes"] == 0), row
PY
ok "--json lists the holders and live counts"

# Looking consumed nothing: a reader (opened while the writer still holds
# the FIFO) gets every byte.
eq hello "$(timeout 20 head -c 5 f)" "stat left the waiting bytes in the pipe"
kill "$writer" "$reader"

# --wait-reader returns once a reader holds the FIFO; it opens nothing.
"$F" mk w
spawn "$F" stat --wait-reader w
waiter=$SPAWNED
spawn bash -c "'$F' stat --wait-writer -c '%n has %{writers} writer' w > waited"
writer_waiter=$SPAWNED
kill -0 "$waiter" || fail "--wait-reader returned with no reader"
exec 6<>w
finish "$waiter"
eq 0 "$STATUS" "--wait-reader returns 0 once a reader holds the FIFO"
finish "$writer_waiter"
got=$(cat waited)
eq "0 w has 1 writer" "$STATUS ${got//+/}" "--wait-writer returns and -c prints after the wait"
exec 6>&-

"$F" mk lonely
expect_fail 124 "fifo stat: 'lonely': timed out after 200ms waiting for a writer" "$F" stat --wait-writer -t 200ms lonely
expect_fail 124 "fifo stat: 'lonely': timed out after 200ms waiting for a reader" "$F" stat --wait-reader -t 200ms lonely
echo text > file
expect_fail 1 "fifo stat: 'file': not a fifo (it is a regular file)" "$F" stat --wait-reader -t 1s file
