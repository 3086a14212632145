# The far side's keeper (what ssh: and exec: run there) waits for its
# FIFO's reader before it listens for the relay that started it; if that
# relay is gone by then (the sender killed, ssh cut), no link will ever
# come. The keeper then ends once --retry (at least 10 s) has passed since
# it listened, rather than hold the far FIFO open for ever: a reader that
# comes later reads end of file instead of waiting for ever, and the
# keeper's socket is gone.
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T

seq 3 > in
"$F" mk far
spawn "$F" bridge --retry 1s --once in "exec:exec '$F' bridge --retry 1s --once stdio: '$T/far'"
sender=$SPAWNED
# The keeper is below the sender (under its relay), waiting for a reader.
blocked_in_open "$sender"
keeper=$(for pid in $(descendants "$sender"); do
    ! grep -q unix-listen: "/proc/$pid/cmdline" 2>/dev/null || echo "$pid"
done)
[ -n "$keeper" ] || fail "no keeper below the sender"
# Killed at the end if it outlives the scenario (it is no child of ours):
# only that process, found by its command line, which names our directory.
end_keeper() { ! grep -qF "$T" "/proc/$keeper/cmdline" 2>/dev/null || kill -KILL "$keeper"; }
trap 'end_keeper; cleanup' EXIT
kill -KILL "$(fifo_pid "$sender")"
finish "$sender"
eq 137 "$STATUS" "the sender is killed while the far keeper waits for its reader"
SPAWN_TIMEOUT=60 spawn bash -c "cat far > got"
reader=$SPAWNED
finish "$reader"
eq 0 "$STATUS" "a reader that comes later reads end of file, not waiting for ever"
eq "" "$(cat got)" "it reads nothing"
no_keeper() { [ -z "$(ls "fifo-bridge-$(id -u)")" ]; }
wait_until 20 "the keeper's socket to go" no_keeper
ok "the keeper ended and removed its socket"
