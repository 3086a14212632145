# fifo hold of a FIFO that is removed, or replaced by a new one at the same
# path, while held: --stop can no longer find the hold by PATH, so the hold
# must end by itself once nobody else holds the old FIFO, saying what it
# loses, rather than run unseen for ever.
# needs: linux
source "$(dirname "$0")/lib.sh"

# ended PID: PID has ended (it may wait, a zombie, for its parent).
ended() { [ ! -e "/proc/$1" ] || [[ "$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" == [ZX] ]]; }

# Replaced (rm + mkfifo): the new FIFO is not held, the old hold ends.
holder=$("$F" hold -b --create q)
PIDS+=("$holder")
rm q
"$F" mk q
expect_fail 1 "fifo hold: 'q': no fifo hold process of this user holds it" "$F" hold --stop q
wait_until 10 "the hold of the replaced FIFO to end" ended "$holder"
ok "the hold of a replaced FIFO ends by itself"

# Removed with bytes in it: the hold says what is lost (its stderr is a
# file, which it keeps).
holder=$("$F" hold -b --create r 2> r.err)
PIDS+=("$holder")
"$F" send --no-wait r lost
rm r
wait_until 10 "the hold of the removed FIFO to end" ended "$holder"
eq "fifo hold: 'r': 5 bytes still in the pipe are lost: no other process holds it" \
    "$(cat r.err)" "the hold says what the removal lost"

# Removed while another process still holds it: the hold stays while that
# reader may still read, and ends once it has gone.
holder=$("$F" hold -b --create s)
PIDS+=("$holder")
"$F" send --no-wait s kept
exec 7< s
rm s
eq kept "$(timeout 60 "$F" cat -l 1 /dev/fd/7)" "the other holder still reads what was sent"
ended "$holder" && fail "the hold ended while another process held the FIFO"
exec 7<&-
wait_until 10 "the hold to end once the last other holder left" ended "$holder"
ok "the hold of a removed FIFO ends once nobody else holds it"
