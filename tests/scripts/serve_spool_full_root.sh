# fifo serve with its spool's file system full (a 1 MiB tmpfs as TMPDIR):
# CMD's writes into the spool fail, so its output is cut, and its stderr
# is lost with it; serve says so, on its own stderr and to the caller after
# CMD's stderr, from memory (the spool has no room for the words): the
# caller gets status 1 and a line naming the full spool, where it got 1
# MiB, status 1 and silence. A job that ignores its failed writes and ends
# with 0 is told about too.
# needs: root linux
source "$(dirname "$0")/lib.sh"
need_root
mkdir small
trap 'umount small 2> /dev/null || true; cleanup' EXIT
mount -t tmpfs -o size=1m none small
export TMPDIR=$T/small

"$F" mk svc quiet
SPAWN_TIMEOUT=60 spawn bash -c "exec '$F' serve svc -- sh -c 'head -c 3000000 /dev/zero | tr \"\\0\" a; echo err >&2' 2> serve.err"
server=$SPAWNED
wait_until 10 "the call socket" test -S svc.sock
STATUS=0
timeout 30 "$F" call svc x > out 2> err || STATUS=$?
eq 1 "$STATUS" "the job whose output was cut fails the call"
grep -q "^fifo serve: request 1: the spool's file system ($T/small) is full: sh's output may be cut$" err ||
    fail "the caller was not told of the full spool: $(cat err)"
ok "the caller is told the spool filled up"
[ "$(stat -c %s out)" -lt 3000000 ] || fail "all 3000000 bytes came: the spool was not full"
ok "only $(stat -c %s out) of 3000000 bytes came, and the caller knows why"
wait_until 10 "serve's note" grep -q "full" serve.err
grep -q "request 1: sh exited with status 1; the spool's file system ($T/small) is full" serve.err ||
    fail "serve's own note does not say the spool is full: $(cat serve.err)"
ok "serve's own note says the spool filled up"
kill -TERM "$server"
finish "$server"

# A job that does not check its writes, and ends with 0.
SPAWN_TIMEOUT=60 spawn bash -c "exec '$F' serve quiet -- sh -c 'head -c 3000000 /dev/zero 2> /dev/null; exit 0' 2> quiet.err"
server=$SPAWNED
wait_until 10 "the call socket" test -S quiet.sock
STATUS=0
timeout 30 "$F" call quiet x > out 2> err || STATUS=$?
eq 0 "$STATUS" "the job's own status stands"
grep -q "is full: sh's output may be cut" err || fail "the caller was not told: $(cat err)"
ok "a job that ends with 0 after its writes failed is still told about"
kill -TERM "$server"
finish "$server"
