# fifo wait against paths that change under it: a symlinked directory
# pointed elsewhere, a FIFO appearing under /proc (where inotify tells
# nothing), a parent directory removed and made again, a timeout of 0.
# needs: linux
source "$(dirname "$0")/lib.sh"

# Waits longer than the first second (which polls), so inotify is in use.
# A symlink above the FIFO is pointed at another directory, where the FIFO
# is: nothing happens in the watched directory, yet the path now exists.
mkdir one two
ln -s one link
spawn_watching "$F" wait --exists -t 15s link/q
mkfifo two/q
ln -sfn two link
finish "$WATCHER"
eq 0 "$STATUS" "wait --exists sees link/q once link points where q is"

# /proc/PID/fd/N: a process opens the FIFO on fd 5 later; procfs sends no
# inotify events.
mkfifo held
# (Not spawn: the PID must be bash's own, not that of timeout above it.)
bash -c 'sleep 1.5; exec 5<> held; sleep 15' &
opener=$!
PIDS+=("$opener")
spawn "$F" wait --exists -t 15s "/proc/$opener/fd/5"
waiter=$SPAWNED
finish "$waiter"
eq 0 "$STATUS" "wait --exists sees /proc/PID/fd/5 once bash opens the FIFO on it"
kill "$opener"

# The parent directory is removed and made again, with the FIFO in it.
mkdir gone
spawn_watching "$F" wait --exists -t 15s gone/q
rmdir gone
mkdir gone
mkfifo gone/q
finish "$WATCHER"
eq 0 "$STATUS" "wait --exists sees q in the directory made again"

# A timeout of 0 looks once.
"$F" mk zero
exec 3<> zero
run "$F" wait --reader -t 0 zero
eq "0 " "$STATUS $ERR" "wait --reader -t 0 on a held FIFO"
exec 3<&-
expect_fail 124 "fifo wait: 'zero': timed out after 0s waiting for a reader" \
    "$F" wait --reader -t 0 zero

# The FIFO is replaced (a new one renamed over it) during wait --reader: the
# reader of the FIFO now at the path counts. Then it is removed: the wait
# says so rather than wait for a FIFO nobody can open any more.
"$F" mk swapped
spawn "$F" wait --reader -t 15s swapped
waiter=$SPAWNED
sleep 0.3
"$F" mk swapped.new
mv swapped.new swapped
exec 7<> swapped
finish "$waiter"
exec 7<&-
eq 0 "$STATUS" "wait --reader sees the reader of the FIFO renamed over the old one"
"$F" mk removed
spawn "$F" wait --writer -t 15s removed 2> removed.err
waiter=$SPAWNED
# Removed only once the wait has looked at it (it has its directory open,
# or its watch): removed earlier, it would be a FIFO that never existed.
watching() { [ -n "$(ls -l /proc/"$(fifo_pid "$waiter")"/fd 2> /dev/null | grep -e inotify -e "$T")" ]; }
wait_until 10 "the wait to watch removed" watching
rm removed
finish "$waiter"
eq 1 "$STATUS" "wait --writer on a FIFO removed meanwhile fails ($(cat removed.err))"

# A directory one may search but not read (0311): inotify refuses to watch
# it, yet the FIFO made in it later must be seen (by polling).
mkdir -m 0311 blind
spawn_watching "${UNPRIVILEGED[@]}" "$F" wait --exists -t 15s blind/q
mkfifo blind/q
finish "$WATCHER"
eq 0 "$STATUS" "wait --exists sees a FIFO made in a directory it may not read"
chmod 755 blind   # so that the temporary directory can be removed
