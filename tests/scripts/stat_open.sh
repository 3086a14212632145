# fifo stat sees processes blocked in open(2), openat(2) (with a directory
# descriptor) or openat2(2) on a FIFO, waiting for the
# other end, as readers or writers in the state "opening": counted in
# %{readers}/%{writers}/%{opening}, listed as holders (default output,
# %{holders}, --json), and enough for --wait-reader/--wait-writer. Looking
# never completes their open: each is still blocked afterwards, and its
# real peer still meets it and the data arrives.
# needs: linux
# slow
source "$(dirname "$0")/lib.sh"

# check_opening ROOT FIFO ACCESS WHAT: the peer below ROOT is blocked opening
# FIFO for ACCESS (read or write), and stat reports it so.
check_opening() {
    local root=$1 fifo=$2 access=$3 what=$4 counts holders pid want wait
    blocked_in_open "$root"
    case $access in
        read) want="1 0 1" wait=--wait-reader ;;
        write) want="0 1 1" wait=--wait-writer ;;
    esac
    run "$F" stat "$wait" -t 5s "$fifo"
    eq 0 "$STATUS" "$what: stat $wait returns 0 at once"
    # Counts may be lower bounds (N+) where some process cannot be inspected.
    counts=$("$F" stat -c '%{readers} %{writers} %{opening}' "$fifo")
    eq "$want" "${counts//+/}" "$what: counted as $access and opening"
    holders=$("$F" stat -c '%{holders}' "$fifo")
    pid=${holders%%:*}
    eq "$pid:-:$access:opening" "$holders" "$what: %{holders} lists it with no descriptor"
    descendants "$root" | grep -x "$pid" > /dev/null || fail "$what: holder $pid is not the peer (${root})"
    run "$F" stat "$fifo"
    [[ "$OUT" == *"Holder: pid $pid ("*") $access (opening: blocked in open)"* ]] ||
        fail "$what: default output lacks the opening holder: $OUT"
    ok "$what: the default output names it, opening"
    "$F" stat --json "$fifo" > opening.json
    python3 - "$pid" "$access" <<'PY' || fail "$what: --json"
import json, sys
pid, access = int(sys.argv[1]), sys.argv[2]
row = json.loads(open("opening.json").read())
pipe = row["pipe"]
assert pipe["opening"] == 1, pipe
assert [(h["pid"], h["fd"], h["access"], h["state"]) for h in pipe["holders"]] == [
    (pid, None, access, "opening")], pipe
assert isinstance(pipe["holders"][0]["thread"], int), pipe
PY
    ok "$what: --json lists it with state opening"
    blocked_in_open "$root"
    ok "$what: still blocked in open after being looked at"
}

# reader_case WHAT FIFO CMD...: CMD, reading FIFO into out.FIFO, blocks
# opening it; stat sees it; then a writer meets it and its line arrives.
reader_case() {
    local what=$1 fifo=$2 reader
    shift 2
    "$F" mk "$fifo"
    spawn "$@" > "out.$fifo"
    reader=$SPAWNED
    check_opening "$reader" "$fifo" read "$what"
    "$F" send -t 5s "$fifo" "x-$fifo"
    finish "$reader"
    eq "0 x-$fifo" "$STATUS $(cat "out.$fifo")" "$what: its writer met it and the data arrived"
}

# writer_case WHAT FIFO CMD...: CMD, writing the line x-FIFO, blocks opening
# FIFO; stat sees it; then a reader meets it and gets the line.
writer_case() {
    local what=$1 fifo=$2 writer
    shift 2
    "$F" mk "$fifo"
    spawn "$@"
    writer=$SPAWNED
    check_opening "$writer" "$fifo" write "$what"
    eq "x-$fifo" "$(timeout 20 cat "$fifo")" "$what: its reader met it and the data arrived"
    finish "$writer"
    eq 0 "$STATUS" "$what: the writer finished normally"
}

# Readers blocked in open: fifo cat, coreutils cat, a shell redirection.
reader_case "fifo cat" j1 "$F" cat j1
reader_case "coreutils cat" j2 cat j2
reader_case "bash -c 'grep x < j3'" j3 bash -c 'grep x < j3'
# openat relative to a directory descriptor, from another working directory.
reader_case "python3 openat(dirfd, j7) from /" j7 python3 -c '
import os
d = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
os.chdir("/")
print(os.read(os.open("j7", os.O_RDONLY, dir_fd=d), 100).decode().strip())'
# openat2(2), whose flags are in a struct open_how in the caller's memory.
OPENAT2='
import ctypes, os, sys
class OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
libc = ctypes.CDLL(None, use_errno=True)
how = OpenHow(os.O_RDONLY, 0, 0)
fd = libc.syscall(ctypes.c_long(437), ctypes.c_long(-100), sys.argv[1].encode(), ctypes.byref(how), ctypes.c_long(24))
if fd < 0:
    raise OSError(ctypes.get_errno(), "openat2")
print(os.read(fd, 100).decode().strip())'
printf probe > probe
if python3 -c "$OPENAT2" probe 2>/dev/null; then
    # openat2 has the same number on every architecture.
    EXTRA_OPEN_SYSCALLS=437
    reader_case "python3 openat2(AT_FDCWD, j8)" j8 python3 -c "$OPENAT2" j8
else
    printf 'skip - openat2 case: this kernel has no openat2(2)\n'
fi

# Writers blocked in open: python3 os.open, a shell redirection, and fifo
# tee, which opens its outputs on worker threads.
writer_case "python3 os.open(O_WRONLY)" j4 \
    python3 -c 'import os; fd = os.open("j4", os.O_WRONLY); os.write(fd, b"x-j4\n")'
writer_case "sh -c 'echo x > j5'" j5 sh -c 'echo x-j5 > j5'
writer_case "fifo tee (a worker thread opens)" j6 bash -c "echo x-j6 | '$F' tee j6 > /dev/null"
