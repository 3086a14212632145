# fifo stat lists a FIFO's holders by process name, and a process names
# itself (prctl PR_SET_NAME, or the name of the file it runs): whoever holds
# the FIFO, another user too, chooses what stat prints. A name with escape
# sequences or a newline is shown escaped, as paths are (one line per
# holder, no terminal control reaching the screen); a name that is not
# UTF-8 is shown (U+FFFD for each bad byte), not as an empty name.
# needs: linux   # holders' names come from /proc
source "$(dirname "$0")/lib.sh"
need python3

"$F" mk f
# hold NAME: a python3 holding f open read-write under the name NAME (bytes
# given as a Python literal), ready once it prints its descriptor; it
# pauses until the cleanup kills it. Its PID in pid_KEY.
hold() {
    spawn python3 -c '
import ctypes, os, signal, sys
fd = os.open("f", os.O_RDWR)
ctypes.CDLL(None).prctl(15, eval(sys.argv[1]), 0, 0, 0)
print(fd, flush=True)
signal.pause()
' "$1" > held.$2
    wait_until 10 "the holder named $1" test -s held.$2
    # The holder is python3, the one process below timeout (named anew).
    eval "pid_$2=$(pgrep -P "$SPAWNED")"
}
hold 'b"ev\x1b[2J\nHold x"' escape
hold 'b"bad\xffname"' bytes
fd_escape=$(cat held.escape)
fd_bytes=$(cat held.bytes)

run "$F" stat f
holders=$(printf '%s\n' "$OUT" | grep "^Holder: pid" | sort)
want=$(printf '%s\n' \
    "Holder: pid $pid_escape (ev\\u{1b}[2J\\nHold x) fd $fd_escape read-write (open)" \
    "Holder: pid $pid_bytes (bad"$'\xef\xbf\xbd'"name) fd $fd_bytes read-write (open)" | sort)
eq "$want" "$holders" "each holder's name is escaped, on its own line"
eq "" "$(printf '%s' "$OUT" | tr -d '\n' | LC_ALL=C tr -d -c '\000-\037\177')" \
    "no control character but newlines"
