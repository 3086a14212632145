# hold --stop of a holder started with SIGTERM ignored (`trap '' TERM`, a
# service manager's or a script's choice): the holder rightly keeps it
# ignored and watches SIGINT and SIGHUP instead, but --stop sent SIGTERM
# only and, without -t, waited for ever. It sends the first of SIGTERM,
# SIGINT and SIGHUP the holder heeds (--rm then still cleans up), and a
# holder that ignores all three is one line, status 1, at once.
# needs: linux
source "$(dirname "$0")/lib.sh"

# The detached holders are not this shell's children: killed at exit (each
# only while it still runs fifo hold) should the scenario fail first.
HOLDERS=()
end_holders() {
    local pid
    for pid in "${HOLDERS[@]}"; do
        [[ $(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null) == *" hold "* ]] || continue
        kill -KILL "$pid" 2>/dev/null || true
    done
    cleanup
}
trap end_holders EXIT

run bash -c "trap '' TERM; exec '$F' hold -b --create --rm q"
eq 0 "$STATUS" "hold -b with SIGTERM ignored (stderr: $ERR)"
holder=$OUT
HOLDERS+=("$holder")
run "$F" hold --stop q
eq "0 " "$STATUS $ERR" "--stop ends a holder that ignores SIGTERM"
[ ! -e q ] || fail "the holder's --rm did not run"
ok "its --rm ran: the FIFO is gone"

"$F" mk q2
run bash -c "trap '' TERM INT HUP; exec '$F' hold -b q2"
holder=$OUT
HOLDERS+=("$holder")
run "$F" hold --stop q2
eq 1 "$STATUS" "--stop of a holder that ignores every ending signal: status"
eq "fifo hold: process $holder: refusing to wait for it to end: it ignores SIGTERM, SIGINT and SIGHUP" \
    "$ERR" "it says why, at once"
kill -0 "$holder" || fail "the holder is gone"
kill -KILL "$holder"
