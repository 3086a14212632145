# fifo hold between two users (root and uid 65534): --stop ends only the
# caller's own holds; --create refuses what another user planted in a
# sticky world-writable directory; --rm leaves alone another user's file
# put where the FIFO was.
# needs: root linux
source "$(dirname "$0")/lib.sh"
need_root

mkdir -m 1777 shared
cd shared
# --stop: neither user stops the other's hold of the same FIFO.
"${AS_NOBODY[@]}" "$F" mk -m 666 both
theirs=$("${AS_NOBODY[@]}" "$F" hold -b both)
mine=$("$F" hold -b both)
PIDS+=("$theirs" "$mine")
run "${AS_NOBODY[@]}" "$F" hold --stop both
eq "0 " "$STATUS $ERR" "uid 65534 stops its own hold"
[ -e "/proc/$mine" ] || fail "uid 65534 stopped root's hold"
theirs=$("${AS_NOBODY[@]}" "$F" hold -b both)
PIDS+=("$theirs")
run "$F" hold --stop both
eq "0 " "$STATUS $ERR" "root stops its own hold"
[ -e "/proc/$theirs" ] || fail "root stopped the hold of uid 65534"
ok "--stop ends only the caller's own hold"
run "${AS_NOBODY[@]}" "$F" hold --stop both
eq "0 " "$STATUS $ERR" "uid 65534 stops its own hold"

# --create: a symlink or a FIFO planted by uid 65534 is refused.
"${AS_NOBODY[@]}" ln -s /etc/fifo-evil-target evil
"${AS_NOBODY[@]}" mkfifo -m 666 planted
expect_fail 1 "fifo hold: 'evil': refusing a symlink in a world-writable sticky directory" \
    "$F" hold -b --create evil
[ ! -e /etc/fifo-evil-target ] || fail "hold --create followed the planted symlink"
expect_fail 1 "fifo hold: 'planted': refusing a FIFO owned by another user in a world-writable sticky directory" \
    "$F" hold -b --create planted

# --rm: the FIFO removed and replaced by a file of uid 65534 is left alone.
cd ..
mkdir -m 777 open
holder=$("$F" hold -b --create --rm open/mine)
PIDS+=("$holder")
rm open/mine
"${AS_NOBODY[@]}" sh -c 'echo theirs > open/mine'
kill -TERM "$holder"
wait_until 10 "the hold to end" sh -c "[ ! -e /proc/$holder ] || grep -q '^[0-9]* ([^)]*) [ZX]' /proc/$holder/stat"
eq theirs "$(cat open/mine)" "--rm left the other user's file alone"

# --stop through uid 65534's symlink in a sticky directory: root's hold of
# a FIFO in root's private directory is not ended (it was, and the bytes
# waiting in it were lost), as no command follows such a link.
mkdir -m 700 private
private=$("$F" hold -b --create private/q)
PIDS+=("$private")
echo "kept" | "$F" send private/q
"${AS_NOBODY[@]}" ln -s "$T/private/q" shared/jobs
expect_fail 1 "fifo hold: 'shared/jobs': refusing to follow a symlink of uid 65534 in a world-writable sticky directory" \
    "$F" hold --stop shared/jobs
kill -0 "$private" && grep -q '^[0-9]* ([^)]*) [^ZX]' "/proc/$private/stat" ||
    fail "root's private hold was ended through the link"
ok "root's private hold still runs"
run "$F" cat -l 1 private/q
eq kept "$OUT" "its FIFO still holds what was sent"
run "$F" hold --stop private/q
eq "0 " "$STATUS $ERR" "root's own --stop of it"
