# fifo serve at its limits: -n leaves other writers' unfinished messages for
# the next reader (never drops them), unfinished messages are capped
# together (the oldest dropped, one note each), a TMPDIR it cannot use
# stops it before it serves, and out of descriptors it slows down: every
# request is run or refused with one line naming it.
# slow
source "$(dirname "$0")/lib.sh"
need python3
mkdir tmp
export TMPDIR=$T/tmp

# Framed chunks, written as the test says: chunk WRITER INDEX LAST PAYLOAD.
cat > chunks.py <<'EOF'
import os, struct, sys
HEADER = struct.Struct(">BBBBIQQQI")
def chunk(writer, index, last, payload):
    flags = (1 if index == 0 else 0) | (2 if last else 0)
    return HEADER.pack(0xFF, 0x46, 1, flags, writer, writer, 0, index, len(payload)) + payload
EOF

# Item 3: two writers' two-chunk messages interleave, A0 B0 A1 B1, in a
# held FIFO. serve -n 1 runs A's message; B's first chunk, read by then, is
# left for the next reader, which runs B's message whole.
run "$F" hold -b --create h
holder=$OUT
PIDS+=("$holder")
python3 -c "
exec(open('chunks.py').read())
fd = os.open('h', os.O_WRONLY)
for c in [chunk(1, 0, False, b'A first, '), chunk(2, 0, False, b'B first, '),
          chunk(1, 1, True, b'A last\n'), chunk(2, 1, True, b'B last\n')]:
    os.write(fd, c)"
run "$F" serve -n 1 h -- cat
eq "0|A first, A last|" "$STATUS|$OUT|$ERR" "serve -n 1 runs the first whole message, and drops nothing"
run "$F" serve -n 1 h -- cat
eq "0|B first, B last|" "$STATUS|$OUT|$ERR" "the next serve finishes the other writer's message"
kill -TERM "$holder"

# Item 9: writers that start messages and never finish them. 70,000 first
# chunks from as many writers pass the default cap (64 MiB at 1 KiB each:
# 65,536 messages): the oldest are dropped, one note each, and serve goes on.
"$F" mk flood
# 70,000 chunks take a debug build seconds, and a loaded machine far more.
SPAWN_TIMEOUT=120 spawn bash -c "exec '$F' serve -n 1 flood -- cat > flood.out 2> flood.err"
server=$SPAWNED
python3 -c "
exec(open('chunks.py').read())
fd = os.open('flood', os.O_WRONLY)
os.write(fd, b''.join(chunk(n, 0, False, b'') for n in range(1, 70001)) + b'still served\n')"
finish "$server"
eq "0 still served" "$STATUS $(cat flood.out)" "after the flood, a line is still served"
eq 4464 "$(grep -c "unfinished messages passed 67108864 bytes; dropped the oldest" flood.err)" \
    "one note for each message dropped past the cap"
eq "fifo serve: 'flood': at byte 2359296: unfinished messages passed 67108864 bytes; dropped the oldest, from writer 1:0000000000000001 (0 bytes received)" \
    "$(head -1 flood.err)" "the first note names the oldest writer"
rm -rf tmp/*

# Item 19: a TMPDIR serve cannot use stops it before it serves.
expect_fail 1 "fifo serve: '$T/missing': cannot open: No such file or directory" \
    env TMPDIR="$T/missing" "$F" serve --create m -- cat
[ ! -e m ] || fail "serve made its FIFO although it could not serve"
ok "nothing is made when TMPDIR cannot be used"
spawn env TMPDIR= "$F" serve --create -n 1 e -- cat
server=$SPAWNED
wait_until 10 "the call socket" call_socket_ready e.sock
run "$F" call -t 10s e "empty TMPDIR"
called="$STATUS $OUT"
finish "$server"
eq "0 empty TMPDIR 0" "$called $STATUS" "TMPDIR= (empty) is /tmp: serve answers"

# Item 20: 20 jobs at once, with descriptors for only a few of them: each
# request is run (slowly), none is dropped.
"$F" mk lim
spawn bash -c "ulimit -n 40; exec '$F' serve -j 20 -n 20 lim -- sh -c 'read x; sleep 0.2; echo \"done \$x\"' > lim.out 2> lim.err"
server=$SPAWNED
seq 20 | "$F" send -l -t 10s lim
finish "$server"
eq 0 "$STATUS" "serve -j 20 -n 20 under ulimit -n 40 ends with 0 ($(head -3 lim.err))"
eq "$(seq 20 | sed 's/^/done /' | sort)" "$(sort lim.out)" "every request ran once"
eq "" "$(cat lim.err)" "and none was refused or lost"

# The same with calls: each one answered, or refused with one line.
spawn bash -c "ulimit -n 40; exec '$F' serve --create -j 20 -n 20 limc -- sh -c 'read x; sleep 0.2; echo \"done \$x\"' 2> limc.err"
server=$SPAWNED
wait_until 10 "the call socket" call_socket_ready limc.sock
callers=()
for i in $(seq 20); do
    timeout 60 "$F" call -t 50s limc "$i" > "c.$i" 2> "e.$i" &
    callers+=("$!")
done
for pid in "${callers[@]}"; do
    wait "$pid" || true
done
finish "$server"
for i in $(seq 20); do
    got="$(cat "c.$i")|$(cat "e.$i")"
    [ "$got" = "done $i|" ] || [[ "$got" == "|fifo call: 'limc': the server did not run the call: request "*": not run: "* ]] ||
        fail "call $i got [$got]"
done
ok "20 calls under ulimit -n 40: each answered, or refused with one line naming its request"

# Callers that stop reading their replies (here: their stdout is a pipe
# nobody reads) hold descriptors of the server until it runs out; it then
# gives them up, with a note, and a new caller is still answered.
spawn bash -c "ulimit -n 32; exec '$F' serve --create -j 2 slow -- sh -c 'read x; if [ \"\$x\" = big ]; then head -c 3000000 /dev/zero; else echo \$x; fi' 2> slow.err"
wait_until 10 "the call socket" call_socket_ready slow.sock
for i in $(seq 10); do
    spawn bash -c "'$F' call slow big 2> /dev/null | sleep 30 > /dev/null 2>&1"
done
run "$F" call -t 60s slow small
eq "0 small" "$STATUS $OUT" "a caller is answered while stopped callers hold the server at its limit"
# Ten stopped callers hold the server at its limit by themselves; on a busy
# machine they may get there only after the small call was answered.
gave_up() { grep -q "a call dropped: the caller moved no byte for 1s while the server was at its limit" slow.err; }
wait_until 60 "a note of a stalled call given up" gave_up
ok "stalled calls are given up, each with a note"

# 70 callers that connect and send nothing: serve takes 64 calls at once,
# gives up the silent ones, and a real caller is answered.
python3 - > silent.out 2>&1 <<'PY' &
import socket, time
held = []
for _ in range(70):
    s = socket.socket(socket.AF_UNIX)
    s.connect("slow.sock")
    held.append(s)
print("connected", flush=True)
time.sleep(30)
PY
PIDS+=("$!")
wait_until 10 "the silent callers" grep -q connected silent.out
run "$F" call -t 60s slow "after silence"
eq "0 after silence" "$STATUS $OUT" "a caller is answered while silent callers fill the room for calls"
