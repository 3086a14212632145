# Sourced by every scenario under tests/scripts: strict mode, a private
# temporary directory, and helpers that never wait forever.
# The Rust harness (tests/scenarios.rs) runs each scenario with FIFO_BIN set.
set -euo pipefail
F=${FIFO_BIN:?FIFO_BIN must name the fifo binary}
# linux_only WHAT: true with Linux's engine; with FIFO_PORTABLE=1 says the
# part WHAT of the scenario is skipped (a Linux-only feature) and is false.
linux_only() {
    [ "${FIFO_PORTABLE:-}" = 1 ] || return 0
    printf 'skip part - %s: Linux only, and FIFO_PORTABLE=1\n' "$*"
    return 1
}
# fifo with Linux's own engine even when FIFO_PORTABLE=1 puts the portable
# one under test: for a scenario's own synchronization and cleanup (wait
# --reader, hold --stop), which the portable engine cannot do (no /proc).
FS=(env -u FIFO_PORTABLE "$F")
# Where the scenarios live, before we move into the temporary directory.
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
PIDS=()
# still_ours PID: PID is still a child of this shell (running, or ended and
# not yet reaped). A PID whose process has been reaped may already name
# another program's process: thousands of processes a minute wrap the PID
# space, and killing a stale one killed other scenarios' peers.
still_ours() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    read -r _ ppid _ <<<"$stat"
    [ "$ppid" = "$$" ]
}
# alive PID: PID is running (not ended, reaped or not).
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
    [[ "${stat##*) }" != Z* ]]
}
# cleanup: ends every spawned command that is still ours, with everything
# below it (stopped first, so that none forks away meanwhile): `bash -c
# "cat f > out"` does not exec its command, and its cat, blocked opening a
# FIFO, outlived the scenario when only the children went.
cleanup() {
    local pid tree
    for pid in "${PIDS[@]}"; do
        still_ours "$pid" || continue
        # shellcheck disable=SC2046
        kill -STOP $(descendants "$pid") 2>/dev/null || true
        tree=$(descendants "$pid")
        # shellcheck disable=SC2086
        kill -KILL $tree 2>/dev/null || true
    done
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

ok() { printf 'ok - %s\n' "$*"; }
# fail WHY: ends the scenario as failed; a helper file sourced after lib.sh
# may define fail_context to say more (stops.bash: the trace's end).
fail() {
    printf '%s: FAIL - %s\n' "$(scenario_line)" "$*" >&2
    ! declare -F fail_context > /dev/null || fail_context >&2
    exit 1
}

# scenario_line: where the scenario stands, as tests/scripts/NAME.sh:LINE:
# the innermost line of the scenario's own file on the call stack (so the
# line that called a lib.sh helper), and when that is in one of the
# scenario's functions, the lines that called it.
scenario_line() {
    local i line="" via=""
    for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
        [ "${BASH_SOURCE[i]}" != "${BASH_SOURCE[0]}" ] || continue
        if [ -z "$line" ]; then
            line="tests/scripts/${BASH_SOURCE[i]##*/}:${BASH_LINENO[i - 1]}"
        else
            via+=", called from line ${BASH_LINENO[i - 1]}"
        fi
    done
    printf '%s%s' "${line:-tests/scripts/lib.sh}" "$via"
}

# A command that fails where errexit ends the scenario (not under if, &&, ||
# or !, which errexit ignores, nor run or expect_fail, which keep the status)
# names its line. -E carries the trap into functions; it fires only in the
# scenario's own shell, with errexit on: a command substitution or subshell
# that fails makes the line that ran it fail, reported there, and a
# background job's end is no failure of the scenario.
set -E
trap 'on_error "$?" "${PIPESTATUS[*]}"' ERR
# on_error STATUS PIPESTATUS: the ERR trap's report.
on_error() {
    [ "$BASHPID" = "$$" ] && [[ $- == *e* ]] || return "$1"
    local status="status $1" in=""
    # A pipeline (pipefail): every part's status, the command is its last.
    [ "$2" = "${2// /}" ] || status="statuses $2 of the pipeline ending in"
    # The command ran inside a lib.sh helper: say where, too.
    [ "${BASH_SOURCE[1]}" != "${BASH_SOURCE[0]}" ] || in=" (lib.sh:${BASH_LINENO[0]}, in ${FUNCNAME[1]})"
    printf '%s: FAIL - %s: %s%s\n' "$(scenario_line)" "$status" "$BASH_COMMAND" "$in" >&2
    return "$1"
}

# eq EXPECTED ACTUAL WHAT
eq() { [ "$1" == "$2" ] || fail "$3: expected [$1], got [$2]"; ok "$3"; }

# run CMD...: runs CMD under a timeout (60 s: a hang guard); sets STATUS,
# OUT and ERR.
run() {
    STATUS=0
    timeout 60 "$@" >"$T/.out" 2>"$T/.err" || STATUS=$?
    OUT=$(cat "$T/.out")
    ERR=$(cat "$T/.err")
}

# expect_fail STATUS MESSAGE CMD...: CMD exits STATUS and says MESSAGE in
# exactly one line on stderr, and nothing on stdout.
expect_fail() {
    local want=$1 message=$2
    shift 2
    run "$@"
    [ "$STATUS" = "$want" ] || fail "$*: status $STATUS, wanted $want (stderr: $ERR)"
    [[ "$ERR" == *"$message"* ]] || fail "$*: stderr [$ERR] lacks [$message]"
    [ "$(printf '%s\n' "$ERR" | wc -l)" = 1 ] || fail "$*: stderr is not one line: [$ERR]"
    [ -z "$OUT" ] || fail "$*: unexpected stdout [$OUT]"
    ok "$* -> $want ($message)"
}

# spawn CMD...: starts CMD in the background under a timeout (60 s, or
# SPAWN_TIMEOUT); its PID is recorded for cleanup, and left in SPAWNED.
spawn() {
    # <&0: without it, bash gives a background job /dev/null as stdin, and
    # `spawn CMD < file` would silently send nothing.
    timeout "${SPAWN_TIMEOUT:-60}" "$@" <&0 &
    SPAWNED=$!
    PIDS+=("$SPAWNED")
}

# finish PID: waits for a spawned command; sets STATUS.
finish() {
    STATUS=0
    wait "$1" || STATUS=$?
}

# descendants PID: PID and every process below it.
descendants() {
    local child
    echo "$1"
    for child in $(pgrep -P "$1" || true); do
        descendants "$child"
    done
}

# fifo_pid PID: the fifo process among PID and the processes below it (a
# spawned pipeline); fails when there is none.
fifo_pid() {
    local pid
    for pid in $(descendants "$1"); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != fifo ] || { echo "$pid"; return; }
    done
    return 1
}

# peak_rss PID: the peak resident set size of PID (VmHWM), in kB.
peak_rss() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# random_lines COUNT NAME...: writes in.NAME for each NAME: COUNT lines
# "NAME N NAMENAME...", the name repeated 1 to 2999 times, drawn from a
# generator seeded with the name (the same files on every run).
random_lines() {
    python3 - "$@" <<'PY'
import random, sys
count = int(sys.argv[1])
for name in sys.argv[2:]:
    rng = random.Random(name)
    with open(f"in.{name}", "w") as f:
        for n in range(count):
            f.write(f"{name} {n} {name * rng.randrange(1, 3000)}\n")
PY
}

# spawn_watching CMD...: spawns CMD (a `fifo wait`) and gives it 1.5 s to
# get past its first second, which polls, into its long watch (inotify, or
# slow polling where inotify is refused); its PID in WATCHER. What the
# scenario does next, CMD must notice in that long watch.
spawn_watching() {
    spawn "$@"
    WATCHER=$SPAWNED
    sleep 1.5
}

# OPEN_SYSCALL: the number /proc/PID/syscall shows for a task blocked
# opening a FIFO (openat on most machines, but numbers differ by
# architecture), learnt once per scenario from a python3 process left
# blocked opening a scratch FIFO. No kernel symbol names are involved.
OPEN_SYSCALL=""
# EXTRA_OPEN_SYSCALLS: other open calls a scenario makes its peers block in
# (e.g. 437, openat2, which python3 can only call by number).
EXTRA_OPEN_SYSCALLS=""
learn_open_syscall() {
    local pid
    mkfifo "$T/.probe"
    # python3 says it is ready, then opens: after that it sleeps in the open.
    python3 -c 'import os, sys; print(flush=True); os.open(sys.argv[1], os.O_RDONLY)' "$T/.probe" > "$T/.probe-ready" &
    pid=$!
    PIDS+=("$pid")
    wait_until 10 "python3 to block opening a FIFO" probe_blocked "$pid"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    rm -f "$T/.probe" "$T/.probe-ready"
}
# probe_blocked PID: PID said it is ready and sleeps in the same system call
# twice in a row, 50 ms apart; that call's number becomes OPEN_SYSCALL.
probe_blocked() {
    local first second
    [ -s "$T/.probe-ready" ] || return 1
    first=$(sleeping_syscall "$1") || return 1
    sleep 0.05
    second=$(sleeping_syscall "$1") || return 1
    [ "$first" = "$second" ] || return 1
    OPEN_SYSCALL="$first"
}
# sleeping_syscall PID: the system call PID sleeps in, if it sleeps in one.
sleeping_syscall() {
    local state call
    state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
    call=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null) || return 1
    [ "$state" = S ] && [[ "$call" =~ ^[0-9]+$ ]] || return 1
    echo "$call"
}

# in_open PID: PID or a process below it (e.g. under timeout and bash), on
# any thread (fifo tee opens its outputs on worker threads), sleeps in the
# open system call: blocked opening a FIFO, waiting for the other end.
in_open() {
    local pid call
    for pid in $(descendants "$1"); do
        for call in $(cut -d' ' -f1 /proc/"$pid"/task/*/syscall 2>/dev/null); do
            [[ " $OPEN_SYSCALL $EXTRA_OPEN_SYSCALLS " != *" $call "* ]] || return 0
        done
    done
    return 1
}

# blocked_in_open PID: waits until PID (or a process below it) is blocked
# opening a FIFO; fails after 10 s.
blocked_in_open() {
    [ -n "$OPEN_SYSCALL" ] || learn_open_syscall
    wait_until 10 "process $1 to block in a FIFO open" in_open "$1"
}

# default_pipe_size: the capacity a new pipe gets here. Usually 64 KiB, but
# the per-user pipe page limits (fs.pipe-user-pages-soft) can make it less.
default_pipe_size() {
    python3 -c 'import fcntl, os; r, w = os.pipe(); print(fcntl.fcntl(r, getattr(fcntl, "F_GETPIPE_SZ", 1032)))'
}

# counts_known: whether fifo stat can count a FIFO's readers and writers
# here. Root inspects every process; any other user only its own, so while
# other users' processes run, the counts are honestly unknown (?), not 0.
counts_known() {
    [ "$(id -u)" = 0 ] || ! pgrep -v -u "$(id -u)" > /dev/null
}

# mode_of PATH: octal permission bits, as coreutils stat prints them.
mode_of() { stat -c %a "$1"; }

# "${AS_NOBODY[@]}" CMD...: runs CMD as another, unprivileged user. Only
# root can (a scenario using it calls need_root and says `# needs: root`).
# The temporary directory is traversable (0755) so that the files in it
# can be tried.
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod 755 "$T"

# "${UNPRIVILEGED[@]}" CMD...: runs CMD as a user that permissions refuse:
# root, which passes every check, drops to uid 65534; anyone else already
# is such a user and runs CMD as is. Aim it at what refuses its owner too
# (a mode 000 FIFO, a 0555 directory), and the check holds both ways.
if [ "$(id -u)" = 0 ]; then
    UNPRIVILEGED=("${AS_NOBODY[@]}")
else
    UNPRIVILEGED=()
fi

# SKIPPED: the status a scenario exits with when it cannot run here; the
# harness (tests/scenarios.rs) reports it by name as skipped, never as passed.
SKIPPED=77

# skip REASON: ends the scenario as skipped, saying why. Under
# FIFO_REQUIRE_PEERS=1 (CI, which installs every peer) a skip is a failure.
skip() {
    [ "${FIFO_REQUIRE_PEERS:-0}" != 1 ] || fail "cannot run ($*) but FIFO_REQUIRE_PEERS=1"
    printf 'skip - %s\n' "$*"
    exit "$SKIPPED"
}

# need TOOL...: skips the scenario when a tool is missing.
need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" > /dev/null || skip "$tool is not installed (.ci/run installs it)"
    done
}

# need_root: skips the scenario unless it runs as root, which it needs to act
# as another user (setpriv). Put such cases in a scenario of their own.
need_root() {
    [ "$(id -u)" = 0 ] || skip "needs root to act as another user"
}

# wait_until LIMIT WHAT CMD...: runs CMD every 10 ms until it succeeds; fails
# naming WHAT when LIMIT seconds pass first. The only way scenarios wait.
# A limit only turns a hang into a failure, so it is never less than a
# minute: a loaded machine is slow, and a healthy run never comes near it.
wait_until() {
    local limit=$1 what=$2 deadline
    shift 2
    ((limit >= 60)) || limit=60
    deadline=$(($(date +%s%N) + limit * 1000000000))
    until "$@"; do
        [ "$(date +%s%N)" -lt "$deadline" ] || fail "waited ${limit}s for $what"
        sleep 0.01
    done
}

# pressed_setup UID: for fifo tee under pipe-memory pressure. Sets PRESSED,
# the prefix that runs a command as UID (a uid of its own: see
# start_pipe_hog), and moves into a world-writable directory with 4 MB of
# random bytes in `in` (their sha256sum in `want`) and FIFOs stdin and
# stdout for pressed_tee, held open on descriptors 5 and 6. Call it before
# start_pipe_hog: the pipes of stdin and stdout exist before the limit is
# reached, 64 KiB or more, larger than anything the pressed user can make
# afterwards. Spawn every other command with 5<&- 6>&-: a held write end is
# no end of file.
pressed_setup() {
    PRESSED=(setpriv --reuid="$1" --regid="$1" --clear-groups)
    mkdir -m 777 work
    cd work
    head -c 4000000 /dev/urandom > in
    want=$(sha256sum < in)
    mkfifo -m 666 stdin stdout
    exec 5<> stdin 6<> stdout
}

# pressed_tee OUTPUT...: runs `fifo tee OUTPUT...` as the pressed user (see
# pressed_setup), `in` written into it through the FIFO stdin, its stdout
# through the FIFO stdout into stdout.sum (a sha256sum), its stderr into
# tee.err; sets STATUS, and OUT_READER to the PID of the reader of stdout.
# 5 and 6 stand in for the other ends until the real ones are surely
# there: 5 (a writer of stdin) goes once the writer has written everything,
# so tee then sees end of file; 6 (a reader of stdout) goes once tee has
# ended, so its writes never meet a FIFO with no reader (EPIPE) before the
# reader of stdout has opened it.
pressed_tee() {
    local writer teeing
    spawn bash -c 'cat stdout | sha256sum > stdout.sum' 5<&- 6>&-
    OUT_READER=$SPAWNED
    spawn bash -c 'cat in > stdin' 5<&- 6>&-
    writer=$SPAWNED
    spawn "${PRESSED[@]}" "$F" tee "$@" < stdin > stdout 2> tee.err 5<&- 6>&-
    teeing=$SPAWNED
    finish "$writer"
    exec 5<&-
    finish "$teeing"
    exec 6>&-
}

# start_pipe_hog CMD...: runs python3, as the user the prefix CMD (a setpriv
# line) switches to, making pipes until that user is over
# fs.pipe-user-pages-soft and new pipes get less than 64 KiB; sets SMALL to
# what they get. The hog runs until cleanup, and first closes every
# descriptor it inherited but 0-2, so it holds no end of the caller's pipes.
# Use a uid of its own: exhausting the pipe memory of a user that other
# tests run as (nobody, in the unprivileged run) would starve them.
start_pipe_hog() {
    # /usr/bin: the pressed user cannot run a python3 installed under /root.
    [ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 for the pipe hog"
    cat > "$T/.hog.py" <<'PY'
import fcntl, os, signal
os.closerange(3, 4096)
F_SETPIPE_SZ, F_GETPIPE_SZ = 1031, 1032
held = []
for _ in range(100000):
    r, w = os.pipe()
    held.append((r, w))
    if fcntl.fcntl(w, F_GETPIPE_SZ) < 65536:
        break
    try:
        fcntl.fcntl(w, F_SETPIPE_SZ, 1 << 20)
    except PermissionError:
        pass
print(fcntl.fcntl(held[-1][1], F_GETPIPE_SZ), flush=True)
signal.pause()
PY
    chmod 644 "$T/.hog.py"
    local hog
    exec {hog}< <(exec "$@" /usr/bin/python3 "$T/.hog.py")
    PIDS+=($!)
    read -r -t 20 SMALL <&"$hog" || fail "the pipe hog never reported"
    [ "$SMALL" -lt 65536 ] || fail "new pipes are still $SMALL bytes: fs.pipe-user-pages-soft was not reached"
    ok "over the soft limit, the pressed user's new pipes get $SMALL bytes"
}

# call_socket_ready PATH: serve's call socket at PATH is in place, with
# the permission bits it serves with (it is linked there only then).
call_socket_ready() { [ -S "$1" ] && [ "$(stat -c %a "$1")" != 0 ]; }
