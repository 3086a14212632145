# Sourced by every scenario under tests/scripts: strict mode, a private
# temporary directory, and helpers that never wait forever.
# The Rust driver (tests/cli.rs) runs each scenario with FIFO_BIN set.
set -euo pipefail
F=${FIFO_BIN:?FIFO_BIN must name the fifo binary}
# Where the scenarios live, before we move into the temporary directory.
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
T=$(mktemp -d)
PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$T"
}
trap cleanup EXIT
cd "$T"

ok() { printf 'ok - %s\n' "$*"; }
fail() { printf 'FAIL - %s\n' "$*" >&2; exit 1; }

# eq EXPECTED ACTUAL WHAT
eq() { [ "$1" == "$2" ] || fail "$3: expected [$1], got [$2]"; ok "$3"; }

# run CMD...: runs CMD under a timeout; sets STATUS, OUT and ERR.
run() {
    STATUS=0
    timeout 20 "$@" >"$T/.out" 2>"$T/.err" || STATUS=$?
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

# spawn CMD...: starts CMD in the background under a timeout (20 s, or
# SPAWN_TIMEOUT); its PID is recorded for cleanup, and left in SPAWNED.
spawn() {
    # <&0: without it, bash gives a background job /dev/null as stdin, and
    # `spawn CMD < file` would silently send nothing.
    timeout "${SPAWN_TIMEOUT:-20}" "$@" <&0 &
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

# blocked_in_open PID: waits until PID or a process below it (e.g. under
# timeout and bash) is blocked opening a FIFO, waiting for the other end.
blocked_in_open() {
    local pid tries=0
    while [ $tries -lt 2000 ]; do
        for pid in $(descendants "$1"); do
            # Every thread: fifo tee opens its outputs on worker threads.
            if cat /proc/"$pid"/task/*/wchan 2>/dev/null | grep -q wait_for_partner; then
                return 0
            fi
        done
        tries=$((tries + 1))
        sleep 0.01
    done
    fail "process $1 never blocked in a FIFO open"
}

# mode_of PATH: octal permission bits, as coreutils stat prints them.
mode_of() { stat -c %a "$1"; }

# "${AS_NOBODY[@]}" CMD...: runs CMD as an unprivileged user, because root
# (which CI runs as) passes every permission check. The temporary directory
# is traversable (0755) so that the files in it can be tried.
AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
chmod 755 "$T"

# need TOOL...: skips the rest of the scenario when a tool is missing, saying
# so; CI sets FIFO_REQUIRE_PEERS=1 (after installing them), where it fails.
need() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" > /dev/null; then
            [ "${FIFO_REQUIRE_PEERS:-0}" != 1 ] || fail "$tool is not installed but FIFO_REQUIRE_PEERS=1"
            echo "skip - $tool is not installed (.ci/run installs it)"
            exit 0
        fi
    done
}
