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
# serve_and_call NAME JOB: serves the FIFO NAME with `sh -c JOB` (its
# stderr in NAME.err), calls it once (stdout in out, stderr in err, the
# status in CALLED), and ends the server.
serve_and_call() {
    local server
    SPAWN_TIMEOUT=60 spawn bash -c "exec '$F' serve $1 -- sh -c '$2' 2> $1.err"
    server=$SPAWNED
    wait_until 10 "the call socket of $1" call_socket_ready "$1.sock"
    CALLED=0
    timeout 30 "$F" call "$1" x > out 2> err || CALLED=$?
    wait_until 10 "serve's note" test -s "$1.err"
    kill -TERM "$server"
    finish "$server"
}

serve_and_call svc 'head -c 3000000 /dev/zero | tr "\0" a; echo err >&2'
eq 1 "$CALLED" "the job whose output was cut fails the call"
grep -q "^fifo serve: request 1: the spool's file system ($T/small) is full: sh's output may be cut$" err ||
    fail "the caller was not told of the full spool: $(cat err)"
ok "the caller is told the spool filled up"
[ "$(stat -c %s out)" -lt 3000000 ] || fail "all 3000000 bytes came: the spool was not full"
ok "only $(stat -c %s out) of 3000000 bytes came, and the caller knows why"
grep -q "request 1: sh exited with status 1; the spool's file system ($T/small) is full" svc.err ||
    fail "serve's own note does not say the spool is full: $(cat svc.err)"
ok "serve's own note says the spool filled up"

# A job that does not check its writes, and ends with 0.
serve_and_call quiet 'head -c 3000000 /dev/zero 2> /dev/null; exit 0'
eq 0 "$CALLED" "the job's own status stands"
grep -q "is full: sh's output may be cut" err || fail "the caller was not told: $(cat err)"
ok "a job that ends with 0 after its writes failed is still told about"
grep -q "^fifo serve: request 1: the spool's file system ($T/small) is full" quiet.err ||
    fail "serve's note does not say it: $(cat quiet.err)"
ok "serve says so too, for a job that ended with 0"
