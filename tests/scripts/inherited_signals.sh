# A signal the caller ignored (trap "" INT, nohup, every `cmd &` of a
# script) stays ignored and changes nothing about the others: hold, cat
# --frame, cat --merge -k, cat --create --rm, serve and call keep working
# and still end with 143 on SIGTERM. A wake signal the caller blocked still
# ends every -t. redirect hands CMD the signal actions and mask it was given.
# A thread the system refuses (ulimit -u 1) is one line and status 1.
# slow
source "$(dirname "$0")/lib.sh"

# "${IGNORING[@]}" NAME CMD...: CMD started with SIGNAME ignored, as
# `trap "" NAME` (or nohup, or a script's `cmd &`) leaves it.
IGNORING=(bash -c 'trap "" "$0"; exec "$@"')
# "${BLOCKING[@]}" NAME CMD...: CMD started with SIGNAME blocked by its parent.
cat > block.py <<'PY'
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [getattr(signal, "SIG" + sys.argv[1])])
os.execvp(sys.argv[2], sys.argv[2:])
PY
BLOCKING=(python3 block.py)
# signal_bit NAME MASK: whether SIGNAME is set in a /proc status mask.
signal_bit() { (( 0x$2 & (1 << ($(kill -l "$1") - 1)) )); }
# MASKS: prints the ignored and the blocked mask of the awk running it.
MASKS=(awk '/^SigIgn:/ {ign = $2} /^SigBlk:/ {blk = $2} END {print ign, blk}' /proc/self/status)

# Item 6: a holder started with SIGINT ignored (or SIGHUP under nohup)
# shrugs SIGINT off and still ends by hold --stop (SIGTERM). Before, the
# first SIGINT ended its signal thread and SIGTERM stayed blocked for good.
mkfifo hint hhup
holder=$("${IGNORING[@]}" INT "$F" hold -b hint)
PIDS+=("$holder")
kill -INT "$holder"
run "${FS[@]}" hold --stop -t 10s hint
eq "0 " "$STATUS $ERR" "hold started with SIGINT ignored: SIGINT ignored, hold --stop ends it"
holder=$(nohup "$F" hold -b hhup 2> /dev/null)
PIDS+=("$holder")
kill -HUP "$holder"
run "${FS[@]}" hold --stop -t 10s hhup
eq "0 " "$STATUS $ERR" "hold under nohup: SIGHUP ignored, hold --stop ends it"

# cat --frame -k waiting in open: SIGINT ignored, SIGTERM still ends it.
mkfifo fwait
SPAWN_TIMEOUT=60 spawn "${IGNORING[@]}" INT "$F" cat --frame -k fwait
blocked_in_open "$SPAWNED"
kill -INT "$(fifo_pid "$SPAWNED")"
kill -TERM "$(fifo_pid "$SPAWNED")"
finish "$SPAWNED"
eq 143 "$STATUS" "cat --frame -k in open, SIGINT ignored: SIGTERM ends it (143)"

# cat --frame with data flowing does not die of an ignored SIGINT.
mkfifo fflow
spawn "${IGNORING[@]}" INT "$F" cat --frame fflow > fflow.out
reader=$SPAWNED
blocked_in_open "$reader"
exec 7> fflow
"$F" send --frame -t 10s fflow one
wait_until 10 "the first message" grep -q one fflow.out
kill -INT "$(fifo_pid "$reader")"
"$F" send --frame -t 10s fflow two
exec 7>&-
finish "$reader"
eq "0 one two" "$STATUS $(cat fflow.out | tr '\n' ' ' | sed 's/ $//')" \
    "cat --frame with SIGINT ignored reads on after a SIGINT"

# Item 16: cat --merge -k with SIGINT ignored reads on after a SIGINT, and
# SIGTERM still ends it (143), its lines whole.
mkfifo m1
spawn "${IGNORING[@]}" INT "$F" cat --merge -k m1 > m1.out
merger=$SPAWNED
wait_until 10 "cat --merge to read m1" "${FS[@]}" wait --reader -t 1s m1
"$F" send -t 10s m1 first
wait_until 10 "the first line" grep -q first m1.out
kill -INT "$(fifo_pid "$merger")"
"$F" send -t 10s m1 second
wait_until 10 "the second line" grep -q second m1.out
kill -TERM "$(fifo_pid "$merger")"
finish "$merger"
eq "143 first second" "$STATUS $(cat m1.out | tr '\n' ' ' | sed 's/ $//')" \
    "cat --merge -k with SIGINT ignored: SIGINT ignored, SIGTERM ends it"

# cat --create --rm with SIGHUP ignored keeps its FIFO after a SIGHUP.
spawn "${IGNORING[@]}" HUP "$F" cat --create --rm made > made.out
maker=$SPAWNED
blocked_in_open "$maker"
kill -HUP "$(fifo_pid "$maker")"
run "$F" send -t 10s made hello
eq 0 "$STATUS" "cat --create --rm, SIGHUP ignored: the FIFO is still there to send to ($ERR)"
finish "$maker"
eq "0 hello" "$STATUS $(cat made.out)" "cat --create --rm read on after the SIGHUP"
[ ! -e made ] || fail "--rm left the FIFO behind"
ok "cat --create --rm removed its FIFO at the end"

# serve under nohup ignores SIGHUP; call under nohup too, keeping its reply
# directory, and SIGTERM still ends it (143) and removes it.
mkdir tmp
export TMPDIR=$T/tmp
mkfifo svc
spawn nohup "$F" serve svc -- tr a-z A-Z
server=$SPAWNED
wait_until 10 "serve to read svc" "${FS[@]}" wait --reader -t 1s svc
run "$F" call -t 10s svc before
eq "0 BEFORE" "$STATUS $OUT" "serve under nohup answers"
kill -HUP "$(fifo_pid "$server")"
run "$F" call -t 10s svc after
eq "0 AFTER" "$STATUS $OUT" "serve under nohup still answers after a SIGHUP"
kill -TERM "$(fifo_pid "$server")"
finish "$server"
eq 143 "$STATUS" "serve under nohup ends with 143 on SIGTERM"
mkfifo silent
exec 6<> silent
spawn nohup "$F" call -t 15s silent question
caller=$SPAWNED
# No server answers on silent.sock: the call waits for one. nohup ignores
# SIGHUP before it runs fifo, so once fifo runs, a SIGHUP finds it ignored.
calling() { fifo_pid "$caller" > /dev/null 2>&1; }
wait_until 10 "the call to start" calling
kill -HUP "$(fifo_pid "$caller")"
kill -TERM "$(fifo_pid "$caller")"
finish "$caller"
exec 6>&-
eq 143 "$STATUS" "call under nohup: SIGHUP ignored, SIGTERM ends it (143), not its timeout"
eq "" "$(ls -A tmp)" "the call left nothing in its TMPDIR"
unset TMPDIR

# redirect hands CMD the signal actions and mask it was given: SIGPIPE and
# SIGURG ignored stay ignored (fifo itself ignores the one and handles the
# other), a blocked SIGUSR2 stays blocked, SIGPIPE not ignored is not.
mkfifo r
exec 6<> r
read -r ignored blocked < <("${IGNORING[@]}" PIPE "$F" redirect --fd 3 --rw r -- "${MASKS[@]}")
signal_bit PIPE "$ignored" || fail "redirect gave CMD SIGPIPE at its default though the caller ignored it ($ignored)"
ok "redirect: SIGPIPE ignored by the caller stays ignored for CMD"
read -r ignored blocked < <("$F" redirect --fd 3 --rw r -- "${MASKS[@]}")
! signal_bit PIPE "$ignored" || fail "redirect gave CMD SIGPIPE ignored ($ignored)"
ok "redirect: SIGPIPE at its default stays so for CMD"
read -r ignored blocked < <("${IGNORING[@]}" URG "$F" redirect --fd 3 --read -t 10s r -- "${MASKS[@]}")
signal_bit URG "$ignored" || fail "redirect -t gave CMD SIGURG at its default though the caller ignored it ($ignored)"
ok "redirect -t: the wake signal the caller ignored stays ignored for CMD"
read -r ignored blocked < <("${BLOCKING[@]}" USR2 "$F" redirect --fd 3 --rw r -- "${MASKS[@]}")
signal_bit USR2 "$blocked" || fail "redirect unblocked SIGUSR2 for CMD ($blocked)"
ok "redirect: a signal the caller blocked stays blocked for CMD"
exec 6>&-

# Item 17: the wake signal blocked by the parent: every -t still ends.
mkfifo slow
expect_fail 124 "fifo send: 'slow': timed out after 300ms waiting for a reader" \
    "${BLOCKING[@]}" URG "$F" send -t 300ms slow x
expect_fail 124 "fifo cat: 'slow': timed out after 300ms waiting for a writer" \
    "${BLOCKING[@]}" URG "$F" cat -t 300ms slow
expect_fail 124 "fifo cat: 'slow': timed out after 300ms waiting for a writer" \
    "${BLOCKING[@]}" URG "$F" cat --frame -t 300ms slow
expect_fail 124 "fifo tee: 'slow': timed out after 300ms waiting for a reader" \
    "${BLOCKING[@]}" URG "$F" tee -t 300ms slow < /dev/null
expect_fail 124 "fifo redirect: 'slow': timed out after 300ms waiting for a writer" \
    "${BLOCKING[@]}" URG "$F" redirect --fd 3 --read -t 300ms slow -- true
expect_fail 124 "fifo call: 'slow': timed out after " \
    "${BLOCKING[@]}" URG "$F" call -t 300ms slow x

# Item 20: no thread to be had (ulimit -u 1; root is exempt, so root runs
# it as uid 65534): one line, status 1, never a panic.
chmod 777 "$T"
mkfifo -m 666 nothread
echo data > in
NOTHREADS=("${UNPRIVILEGED[@]}" bash -c 'ulimit -u 1 && exec "$@"' ulimit)
expect_fail 1 "fifo send: 'nothread': cannot start a thread: " "${NOTHREADS[@]}" "$F" send -t 300ms nothread x
expect_fail 1 "fifo cat: 'nothread': cannot start a thread: " "${NOTHREADS[@]}" "$F" cat -t 300ms nothread
expect_fail 1 "fifo tee: 'nothread': cannot start a thread: " "${NOTHREADS[@]}" "$F" tee -t 300ms nothread < /dev/null
expect_fail 1 "fifo cat: 'in': cannot start a thread: " "${NOTHREADS[@]}" "$F" cat --buffer 1M in < /dev/null
for cmd in "hold nothread" "cat --frame nothread" "cat --merge nothread" "serve nothread -- cat"; do
    expect_fail 1 "fifo ${cmd%% *}: cannot watch for signals: " "${NOTHREADS[@]}" "$F" $cmd
done
# call starts no thread: without one it still waits, and times out.
expect_fail 124 "fifo call: 'nothread': timed out after 300ms waiting for a reply" \
    "${NOTHREADS[@]}" "$F" call -t 300ms nothread x
