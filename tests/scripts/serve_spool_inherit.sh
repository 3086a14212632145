# A job's command inherits no descriptor of serve's besides its stdin,
# stdout and stderr: in particular none of the spooled files where other
# requests' bodies and other jobs' output wait. Where the system has no
# nameless files (the portable engine, macOS, FreeBSD) those files were
# made with mkstemp(3), open without close-on-exec for a moment, and a
# command another job started meanwhile inherited one. Many concurrent
# calls with spooled bodies (over 64 KiB), -j 8, each command listing its
# descriptors.
source "$(dirname "$0")/lib.sh"
[ -d /proc/self/fd ] || skip "needs /proc/self/fd to list a command's descriptors"

mkdir spool
"$F" mk svc
# Spooled files are the only ones serve makes in spool/: any descriptor
# above 2 that leads there is one the command should not have.
spawn env FIFO_PORTABLE=1 TMPDIR="$T/spool" "$F" serve -j 8 svc -- \
    sh -c 'cat > /dev/null; exec ls -l /proc/self/fd/' > serve.out 2> serve.err
server=$SPAWNED
wait_until 20 "the call socket" call_socket_ready svc.sock
head -c 100000 /dev/zero > body
for round in $(seq 1 12); do
    callers=()
    for i in $(seq 1 16); do
        spawn "$F" call svc < body > "out.$round.$i"
        callers+=("$SPAWNED")
    done
    for caller in "${callers[@]}"; do
        finish "$caller"
        eq 0 "$STATUS" "call $caller of round $round"
    done
done
ok "192 calls answered"
leaked=$(cat out.* | grep -E " [0-9]+ -> $T/spool/" | grep -vE " [012] -> " || true)
eq "" "$leaked" "no command got another request's spooled file"
kill -TERM "$server"
finish "$server"
