# The far end of an exec: or ssh: bridge (a `stdio:` relay) finds its
# keeper by a path, $TMPDIR/fifo-bridge-UID/NAME.sock, after looking at
# the directory. When TMPDIR is another user's directory (an inherited
# state: `su` without `-` keeps the user's TMPDIR), that user may rename
# root's directory away between the look and the connect and put their
# own in its place, with their own listener at the socket's name: the
# relay then carried root's stream to uid 65534 and the bridge ended 0,
# root's FIFO untouched. The relay now asks the kernel who listens there
# and relays only to a keeper of its own user. The swap is forced, not
# hoped for: strace stops the relay right before its first connect.
# needs: root setpriv strace linux
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need setpriv strace

uid=$(id -u)
mkdir att
chown 65534:65534 att
chmod 755 att
printf 'root secret stream\n' > data
"$F" mk dst

# A plain run first: the stream goes through, and the trace of its keeper's
# bind names the socket (a hash of dst's absolute path).
spawn bash -c 'cat dst > got'
reader=$SPAWNED
run env TMPDIR="$T/att" "$F" bridge --once data \
    exec:"strace -f -qq -o '$T/binds' -e trace=bind '$F' bridge stdio: '$T/dst'"
eq 0 "$STATUS" "the plain run carries the stream (stderr: $ERR)"
finish "$reader"
eq "root secret stream" "$(cat got)" "root's FIFO got the stream"
# (bound through /proc/self/fd/N/, the keeper's place held open)
name=$(grep -oE '(send|receive)-[0-9a-f]+\.sock' binds | head -1)
[ -n "$name" ] || fail "no keeper socket in the trace: $(cat binds)"
ok "the keeper's socket is $name"

# The attacker stages a directory with their own listener of that name.
rm got
rmdir "att/fifo-bridge-$uid"
"${AS_NOBODY[@]}" mkdir -m 700 att/staged
spawn "${AS_NOBODY[@]}" "$F" bridge --once "unix-listen:att/staged/$name" - > stolen 2> /dev/null
wait_until 20 "the attacker's listener" test -S "att/staged/$name"
spawn bash -c 'cat dst > got'

# Root's bridge; its relay is stopped right before its first connect (after
# the socket it connects with is made) while the attacker swaps the
# directory the relay just made for the staged one.
stopping_strace socket
SPAWN_TIMEOUT=60 spawn env TMPDIR="$T/att" "$F" bridge --once --retry 5s data \
    exec:"exec ${STRACE_STOPPING[*]@Q} '$F' bridge stdio: '$T/dst'" > out 2> err
STOPPING=$SPAWNED
stop_after '^socket\(AF_UNIX' "the relay to make the socket it connects with"
[ -d "att/fifo-bridge-$uid" ] || fail "the relay has not made its place"
"${AS_NOBODY[@]}" mv "att/fifo-bridge-$uid" att/roots
"${AS_NOBODY[@]}" mv att/staged "att/fifo-bridge-$uid"
finish_stopping
eq 1 "$STATUS" "root's bridge refuses the swapped-in listener (stderr: $(cat err))"
eq 1 "$(wc -l < err)" "one line on stderr"
grep -q "refusing to relay to a socket of uid 65534, not a keeper of this user's" err ||
    fail "the refusal does not say why: $(cat err)"
ok "the refusal names uid 65534's socket"
eq "" "$(cat stolen)" "uid 65534's listener got nothing of root's stream"
