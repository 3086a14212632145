# fifo wait: --exists (also in directories made later), --reader/--writer,
# --data/--empty, timeouts and --quiet; nothing is ever opened.
# needs: linux
source "$(dirname "$0")/lib.sh"

# A FIFO made later, in directories made later: inotify follows them down.
spawn "$F" wait --exists -t 20s later/deeper/q
waiter=$SPAWNED
sleep 0.2; mkdir later
sleep 0.2; mkdir later/deeper
sleep 0.2; mkfifo later/deeper/q
finish "$waiter"
eq 0 "$STATUS" "wait --exists returns once the FIFO is made"
# Something else appearing is refused by name.
spawn "$F" wait --exists -t 20s file
waiter=$SPAWNED
sleep 0.2; echo data > file
finish "$waiter"
eq 1 "$STATUS" "a regular file appearing is a failure"
expect_fail 1 "fifo wait: 'file': not a fifo (it is a regular file)" "$F" wait --exists file
expect_fail 124 "fifo wait: 'never': timed out after 200ms waiting until it exists" \
    "$F" wait --exists -t 200ms never
run "$F" wait --exists -q -t 200ms never
eq "124 " "$STATUS $ERR" "--quiet: the status alone"

# --reader / --writer: a python3 reader holds it read-only (O_NONBLOCK, so
# the open returns); a writer never came.
"$F" mk q
spawn python3 -c '
import os, signal
fd = os.open("q", os.O_RDONLY | os.O_NONBLOCK)
print("open", flush=True)
signal.pause()' > reader.state
reader=$SPAWNED
wait_until 10 "python3's open" grep -q open reader.state
run "$F" wait --reader -t 5s q
eq 0 "$STATUS" "wait --reader sees python3's reader ($ERR)"
expect_fail 124 "fifo wait: 'q': timed out after 200ms waiting for a writer" \
    "$F" wait --writer -t 200ms q
# bash's exec 3> is a writer; the wait returns for it.
exec 3> q
run "$F" wait --writer -t 5s q
eq 0 "$STATUS" "wait --writer sees bash's exec 3> ($ERR)"

# --data / --empty, seen through a holder, never consuming.
run "$F" wait --empty -t 5s q
eq 0 "$STATUS" "nothing written yet: empty ($ERR)"
expect_fail 124 "waiting until data is waiting in it" "$F" wait --data -t 200ms q
printf 'job\n' >&3
run "$F" wait --data -t 5s q
eq 0 "$STATUS" "a line written: data ($ERR)"
expect_fail 124 "fifo wait: 'q': timed out after 200ms waiting until it is empty" \
    "$F" wait --empty -t 200ms q
spawn "$F" wait --empty -t 20s q
waiter=$SPAWNED
# The waits consumed nothing: the line is still there for a real reader.
eq job "$(timeout 60 "$F" cat -l 1 q)" "the waits left the data in place"
finish "$waiter"
eq 0 "$STATUS" "wait --empty returns once a reader drained it"
exec 3>&-
kill "$reader"
# A FIFO nobody holds has no pipe, so nothing waits in it. A private FIFO of
# one's own (0600) is empty to any user: no other user's process, out of
# sight, can hold it. One that others may open is "empty" only when every
# process can be inspected (see wait_root.sh).
"$F" mk idle
run "$F" wait --empty -t 5s idle
eq 0 "$STATUS" "a private FIFO nobody holds is empty"
"$F" mk -m 666 shared
if counts_known; then
    run "$F" wait --empty -t 5s shared
    eq 0 "$STATUS" "a shared FIFO nobody holds is empty when every process is seen"
else
    expect_fail 1 "fifo wait: 'shared': cannot tell: no holder seen, but processes of other users that may hold it cannot be inspected" \
        "$F" wait --empty -t 5s shared
fi
# The same for --reader/--writer: no reader seen is no reader only when no
# process out of sight could hold the FIFO (a private one, or every process
# inspected); else the wait says it cannot tell, never that it timed out.
expect_fail 124 "fifo wait: 'idle': timed out after 200ms waiting for a writer" \
    "$F" wait --writer -t 200ms idle
if counts_known; then
    expect_fail 124 "fifo wait: 'shared': timed out after 200ms waiting for a reader" \
        "$F" wait --reader -t 200ms shared
else
    expect_fail 1 "fifo wait: 'shared': cannot tell: no reader seen in 200ms, but processes of other users that may hold it cannot be inspected" \
        "$F" wait --reader -t 200ms shared
fi

# Every PATH must satisfy the condition, within one timeout.
expect_fail 124 "fifo wait: 'never2': timed out after 300ms" \
    "$F" wait --exists -t 300ms idle never2
expect_fail 2 "required" "$F" wait q
expect_fail 2 "cannot be used with" "$F" wait --data --empty q

# A reader still blocked in open(2) is a reader: wait --reader returns at
# once, and neither the reader nor a writer waiting on the other FIFO is
# disturbed: the reader is still blocked afterwards, and meets its writer.
"$F" mk blocked
SPAWN_TIMEOUT=120 spawn bash -c 'cat blocked > blocked.got'
reader=$SPAWNED
blocked_in_open "$reader"
run "$F" wait --reader -t 5s blocked
eq 0 "$STATUS" "wait --reader sees coreutils cat blocked in open ($ERR)"
in_open "$reader" || fail "the reader is no longer blocked in open after the wait"
ok "the blocked reader is still waiting in open"
expect_fail 124 "fifo wait: 'blocked': timed out after 200ms waiting for a writer" \
    "$F" wait --writer -t 200ms blocked
# A writer blocked in open (sh's redirection) is a writer, and stays blocked.
"$F" mk wblocked
spawn sh -c 'echo from-sh > wblocked'
writer=$SPAWNED
blocked_in_open "$writer"
run "$F" wait --writer -t 5s wblocked
eq 0 "$STATUS" "wait --writer sees sh blocked opening to write ($ERR)"
in_open "$writer" || fail "the writer is no longer blocked in open after the wait"
eq from-sh "$(timeout 60 "$F" cat wblocked)" "the writer still meets its reader"
finish "$writer"
"$F" send -t 60s blocked 'to the blocked reader'
finish "$reader"
eq "to the blocked reader" "$(cat blocked.got)" "the reader still meets its writer"
