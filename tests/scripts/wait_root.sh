# fifo wait --data/--empty by a user who cannot see the holders: a FIFO held
# by root, with bytes in it, is never reported empty to uid 65534, and
# --data fails at once rather than wait out its timeout blind.
# needs: root linux
source "$(dirname "$0")/lib.sh"
need_root

mkfifo -m 666 q
holder=$("$F" hold -b q)
PIDS+=("$holder")
"$F" send --no-wait q data
# root sees through its own hold: data, not empty.
run "$F" wait --data -t 5s q
eq "0 " "$STATUS $ERR" "root sees the 5 bytes"
expect_fail 1 "fifo wait: 'q': cannot tell: no holder seen, but processes of other users that may hold it cannot be inspected" \
    "${AS_NOBODY[@]}" "$F" wait --empty -t 5s q
expect_fail 1 "fifo wait: 'q': cannot tell: no holder seen, but processes of other users that may hold it cannot be inspected" \
    "${AS_NOBODY[@]}" "$F" wait --data -t 5s q
# The waits consumed nothing.
eq data "$(timeout 60 "$F" cat -l 1 q)" "the bytes are still there for a reader"
"$F" hold --stop q

# A user out of inotify instances (fs.inotify.max_user_instances, per user:
# a uid of its own, so that no other test is starved) still waits: by
# polling.
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 for the inotify hog"
SPENT=(setpriv --reuid=64995 --regid=64995 --clear-groups)
mkdir -m 777 later
cat > ihog.py <<'PY'
import ctypes, os, signal
os.closerange(3, 4096)
libc = ctypes.CDLL(None, use_errno=True)
held = []
while libc.inotify_init1(0) >= 0:
    held.append(1)
print(len(held), ctypes.get_errno(), flush=True)
signal.pause()
PY
exec {ihog}< <(exec "${SPENT[@]}" /usr/bin/python3 ihog.py)
PIDS+=($!)
read -r -t 20 count errno <&"$ihog" || fail "the inotify hog never reported"
eq 24 "$errno" "the hog ran out of inotify instances (EMFILE) after $count"
spawn_watching "${SPENT[@]}" "$F" wait --exists -t 15s later/q
mkfifo later/q
finish "$WATCHER"
eq 0 "$STATUS" "wait --exists without an inotify instance to be had sees the FIFO"
