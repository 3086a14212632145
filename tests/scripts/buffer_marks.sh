# --start-at and --resume-at on a --buffer copy (mbuffer's -P and -p), seen
# from outside: the bytes waiting in the output FIFO (fifo stat) and the
# bytes the fifo process has read (/proc/PID/io). With --start-at 50 nothing
# reaches the output until half the buffer is filled, again after the
# buffer ran empty, and the rest once the input ends; --progress=always
# shows the fill level meanwhile. With --resume-at 25, a full buffer reads
# nothing more until less than a quarter full. Every byte arrives.
# needs: python3 linux
source "$(dirname "$0")/lib.sh"
need python3

K=1024
head -c $((8 * 1024 * K)) /dev/urandom > data
"$F" mk in out

# The reader of out: opens it, then reads N bytes each time a file
# readN appears (ask_for), and the rest once "go" exists; prints their
# checksum.
cat > consume.py <<'PY'
import hashlib, os, sys, time
fd = os.open("out", os.O_RDONLY)
digest = hashlib.sha256()
def read(n):
    while n > 0:
        chunk = os.read(fd, min(n, 1 << 16))
        if not chunk:
            return
        digest.update(chunk)
        n -= len(chunk)
step = 1
for _ in range(4000):
    if os.path.exists("go"):
        break
    if os.path.exists(f"read{step}"):
        read(int(open(f"read{step}").read()))
        open(f"done{step}", "w").close()
        step += 1
    time.sleep(0.005)
while chunk := os.read(fd, 1 << 16):
    digest.update(chunk)
print(digest.hexdigest(), " -")
PY

# ask_for N BYTES: has the reader of out take BYTES more, as its step N.
# The file appears whole (a rename): seen half written, it read as empty.
ask_for() { echo "$2" > "asking$1" && mv "asking$1" "read$1"; }
# slice FROM LEN: LEN KiB of the data from FROM KiB on, in one write.
slice() { dd if=data iflag=skip_bytes bs=$(($2 * K)) skip=$(($1 * K)) count=1 status=none; }
# waiting_in N PATH: N bytes wait in the FIFO's pipe.
waiting_in() { [ "$("$F" stat -c %{buffered} "$2")" = "$1" ]; }
# full PATH: the FIFO's pipe is full.
full() {
    local state
    state=$("$F" stat -c '%{buffered} %{capacity}' "$1")
    [[ "$state" =~ ^([0-9]+)\ ([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ]
}
# bytes_read PID: what the process has read so far.
bytes_read() { awk '/^rchar/ {print $2}' "/proc/$1/io"; }
read_more_than() { [ "$(bytes_read "$1")" -gt "$2" ]; }
in_meter() { grep -q "$1" meter.txt; }

# --start-at 50 on a 1 MiB buffer: the writer waits for 512 KiB.
rm -f go read* done* asking*
spawn python3 consume.py > got
reader=$SPAWNED
spawn bash -c "exec '$F' cat --buffer 1M --start-at 50 --progress=always in > out 2> meter.txt"
copy=$SPAWNED
exec 3> in
capacity=$("$F" stat -c %{capacity} out)
[ "$capacity" -ge $((624 * K)) ] || skip "the output pipe holds only $capacity bytes here; 624 KiB must fit"
slice 0 300 >&3
wait_until 10 "the buffer to take 300 KiB" waiting_in 0 in
sleep 0.3
eq 0 "$("$F" stat -c %{buffered} out)" "--start-at 50: 300 KiB of 1 MiB buffered, nothing written"
wait_until 10 "the meter to show the fill level" in_meter "^fifo cat: .* buf 29% 300.00 KiB$"
ok "--progress=always shows the buffer 29% full: $(grep -m1 'buf 29%' meter.txt)"
slice 300 200 >&3
wait_until 10 "the buffer to take 200 KiB more" waiting_in 0 in
sleep 0.3
eq 0 "$("$F" stat -c %{buffered} out)" "--start-at 50: 500 KiB buffered, still nothing written"
# One write, taken by one read: the mark is crossed with all 524 KiB in.
slice 500 24 >&3
wait_until 10 "524 KiB to reach the output past the mark" waiting_in $((524 * K)) out
ok "--start-at 50: past 512 KiB, everything buffered is written"
slice 524 100 >&3
wait_until 10 "the buffer to take 100 KiB more" waiting_in 0 in
sleep 0.3
eq $((524 * K)) "$("$F" stat -c %{buffered} out)" "--start-at 50: ran empty, so the mark holds again"
exec 3>&-
wait_until 10 "the rest to be written at end of input" waiting_in $((624 * K)) out
ok "--start-at 50: the input's end lets the rest out below the mark"
touch go
finish "$copy"
eq 0 "$STATUS" "--start-at: status"
finish "$reader"
eq "$(head -c $((624 * K)) data | sha256sum)" "$(cat got)" "--start-at: every byte, in order"
grep -Eq "^fifo cat: 624.00 KiB in [0-9.]+s" meter.txt || fail "no summary line: $(cat meter.txt)"

expect_fail 2 "invalid percentage '101' (use a whole number from 0 to 100)" "$F" cat --buffer 1M --start-at 101 /dev/null
expect_fail 2 "invalid percentage '1.5'" "$F" send --buffer 1M --resume-at 1.5 in
expect_fail 2 "required arguments were not provided: --buffer" "$F" cat --start-at 50% /dev/null
expect_fail 2 "required arguments were not provided: --buffer" "$F" send --resume-at 50 in

# --resume-at 25: once full, the buffer reads again only below 256 KiB.
# The buffer must fill while the output pipe is already full. Fed all at
# once, the reading thread may get a whole buffer ahead of the writing one
# before the output is full (the writer waits for a CPU: two cores, cat and
# both threads); the buffer is full then, so --resume-at rightly reads
# nothing until it holds less than 256 KiB, but the writer moves only what
# still fits in the output pipe, and reading stops with 256 KiB to 1 MiB
# held. So first exactly what the output pipe holds goes all the way into
# it, and only then the rest: the writer is held from the start, and the
# buffer fills up to its size.
rm -f go read* done* asking*
spawn python3 consume.py > got
reader=$SPAWNED
spawn bash -c "exec '$F' cat --buffer 1M --resume-at 25 in > out"
copy=$SPAWNED
exec 3> in
pid=$(fifo_pid "$copy")
capacity=$("$F" stat -c %{capacity} out)
timeout 60 head -c "$capacity" data >&3
wait_until 10 "the output to fill with its capacity ($capacity bytes)" full out
spawn bash -c "exec tail -c +$((capacity + 1)) data > in"
rest=$SPAWNED
# Full: the output pipe and the buffer (1 MiB) hold what was read (rchar
# counts the program's own files too, a few KiB), less up to two chunks,
# the engine's own count: the piece being written counts whole, and a read
# that does not fit waits whole. Then nothing more is read for a moment. At
# most one more chunk (64 KiB) can come in after this look: the reading
# thread's last, which it holds.
holds=$((capacity + 1024 * K))
wait_until 15 "the buffer to fill (1 MiB, less two chunks, read past the output pipe)" \
    read_more_than "$pid" $((holds - 128 * K - 1))
# all_asleep PID: every thread of PID sleeps (waits), none runs or is
# ready to run: a reading thread that has not run for a while only because
# the machine is busy is not one that stopped.
all_asleep() {
    local task stat
    for task in /proc/"$1"/task/*/stat; do
        stat=$(cat "$task") || return 1
        stat=${stat##*) }
        [[ "$stat" == [SD]* ]] || return 1
    done
}
stopped_reading() {
    local before
    before=$(bytes_read "$1") && full out && full in && all_asleep "$1" &&
        sleep 0.3 && [ "$before" = "$(bytes_read "$1")" ] && all_asleep "$1"
}
wait_until 15 "reading to stop with the input and the output full" stopped_reading "$pid"
full=$(bytes_read "$pid")
ok "--resume-at 25: reading stopped with the buffer full ($(((full - capacity) / K)) KiB read past the output pipe)"
ask_for 1 $((512 * K))
wait_until 10 "the reader to take 512 KiB" test -e done1
sleep 0.3
now=$(bytes_read "$pid")
[ "$now" -le $((full + 64 * K)) ] ||
    fail "--resume-at 25: half full after 512 KiB out, yet $((now - full)) bytes more were read"
ok "--resume-at 25: half full after 512 KiB out, nothing read (but the chunk in hand)"
ask_for 2 $((512 * K))
wait_until 10 "the reader to take 512 KiB more" test -e done2
wait_until 10 "reading to resume below 25 %" read_more_than "$pid" "$((full + 64 * K))"
ok "--resume-at 25: emptied below a quarter, reading resumed"
touch go
finish "$rest"
eq 0 "$STATUS" "--resume-at: the rest of the input written"
exec 3>&-
finish "$copy"
eq 0 "$STATUS" "--resume-at: status"
finish "$reader"
eq "$(sha256sum < data)" "$(cat got)" "--resume-at: every byte, in order"
