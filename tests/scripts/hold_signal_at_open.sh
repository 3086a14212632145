# A signal that ends a foreground fifo hold right after it opened a FIFO,
# before it has opened the rest, still says what the FIFO loses. The hook
# that says it was set only once every FIFO was held: a SIGTERM sent as
# soon as the hold is seen holding (as hold.sh sends it) found no hook when
# the hold had not run on meanwhile, which a busy machine allows, and the
# bytes were lost without a word. strace stops the hold right after it
# made the second FIFO (the first is held by then, the second not yet);
# the bytes are sent and the signal is sent while it is stopped.
# needs: linux strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"

spawn_stopping mknodat "$F" hold --create --rm first second 2> hold.err
stop_after '^mknodat\(.*"second"' "the hold making second"
"$F" send --no-wait first 'bye'
kill -TERM "$STOPPED"
finish_stopping
eq 143 "$STATUS" "SIGTERM ends the hold with 143"
eq "fifo hold: 'first': 4 bytes still in the pipe are lost: no other process holds it" \
    "$(cat hold.err)" "the hold says what the signal made first lose"
[ ! -e first ] && [ ! -e second ] || fail "--rm left a FIFO behind: $(ls)"
ok "--rm removed what it made"
