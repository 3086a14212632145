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

# SKIPPED: the status a scenario exits with when it cannot run here; the
# driver (tests/cli.rs) reports it by name as skipped, never as passed.
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
wait_until() {
    local limit=$1 what=$2 deadline
    shift 2
    deadline=$(($(date +%s%N) + limit * 1000000000))
    until "$@"; do
        [ "$(date +%s%N)" -lt "$deadline" ] || fail "waited ${limit}s for $what"
        sleep 0.01
    done
}
