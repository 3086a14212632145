# Root serves a FIFO that uid 65534 made in a sticky directory (/tmp): the
# call socket beside it is given to the FIFO's owner, who may then remove
# it and put a symlink in its place, under the name it is made under or
# its real one. Root must take no step by the
# socket's name after giving it away: the old code gave it away, then
# changed its mode by name, through the symlink, and made a root-only file
# writable by all. strace stops root's server after each chown and link,
# so that the swap lands in that window every time.
# needs: root setpriv strace
source "$(dirname "$0")/lib.sh"
source "$SCRIPTS/stops.bash"
need_root
need setpriv strace

mkdir -m 1777 shared
printf 'root only\n' > secret
chmod 600 secret
"${AS_NOBODY[@]}" mkfifo -m 622 shared/svc

# owned GLOB: prints the file in shared/ matching GLOB that the attacker
# owns, if any.
owned() {
    local file
    for file in shared/$1; do
        [ "$(stat -c %u "$file" 2>/dev/null)" != 65534 ] || printf '%s' "$file"
    done
}

# attack GLOB AFTER WHAT STATUS: root serves shared/svc, stopped after each
# of its chowns, links and unlinks (stops.bash); at the first stop after a
# call matching AFTER (a regular expression) where a file matching GLOB is
# the attacker's, the attacker puts a symlink to root's file in its place.
# Then root's server goes on, and ends as STATUS says.
attack() {
    local file=
    spawn_stopping fchownat,linkat,unlinkat "$F" serve --idle 1s shared/svc -- cat 2> serve.err
    while [ -z "$file" ]; do
        next_stop "root's server to give a file matching $1 away"
        [[ $STOP_CALL =~ $2 ]] && file=$(owned "$1")
        [ -n "$file" ] || go_on
    done
    "${AS_NOBODY[@]}" sh -c 'rm -f "$1" && ln -s "$2" "$1"' sh "$file" "$T/secret"
    ok "$3: the attacker swapped a symlink in for $file (after: $STOP_CALL)"
    finish_stopping
    eq "600 root only" "$(stat -c %a secret) $(cat secret)" "$3: root's file keeps its mode 600"
    eq "$4" "$STATUS $(grep -v '^strace' serve.err)" "$3: how the server ends"
    rm -f shared/svc.sock shared/.svc.sock.*
}

refused="1 fifo serve: 'shared/svc.sock': refusing to use the call socket: another file was put in its place while it was made"
# The socket is made under a name of its own, given away, then linked to
# its real name: the swap can land on either name, while it is made or
# once it is in place.
attack '.svc.sock.*' '^fchownat' "the name the socket is made under" "$refused"
[ ! -e shared/svc.sock ] || fail "the server left the link it made to the attacker's symlink"
ok "the server took back the link it made to the attacker's symlink"
attack svc.sock '^linkat' "the socket's real name, as it is linked" "$refused"
attack svc.sock '^unlinkat\(.*"\.svc\.sock\.' "the socket's real name, once in place" "0 "

# The real name taken before the link, by a symlink to a live socket of
# the attacker's: root's server judges what is there as it does before it
# makes its socket (a symlink of uid 65534, refused), and connects to
# nothing through it. (It connected through the link, found a listener,
# and said another server answered there: "Address already in use".)
mkdir -m 700 att
chown 65534:65534 att
[ -x /usr/bin/python3 ] || skip "needs /usr/bin/python3 for uid 65534's listener"
spawn "${AS_NOBODY[@]}" /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
c, _ = s.accept(); print("connected", flush=True)' "$T/att/live" > live.out
wait_until 20 "the attacker's listener" test -S att/live
spawn_stopping fchownat "$F" serve --idle 1s shared/svc -- cat 2> serve.err
stop_after '^fchownat\(.*, 65534, -1,' "root's server to give its socket away"
"${AS_NOBODY[@]}" ln -s "$T/att/live" shared/svc.sock
finish_stopping
eq "1 fifo serve: 'shared/svc.sock': refusing to use the call socket: a symbolic link of uid 65534 is in its place" \
    "$STATUS $(grep -v '^strace' serve.err)" "a symlink at the real name before the link is refused"
eq "" "$(cat live.out)" "root's server did not connect through it"
[ -L shared/svc.sock ] || fail "the attacker's symlink was removed"
ok "the attacker's symlink is left alone"
eq "" "$(ls -A shared | grep '^\.svc' || true)" "nothing of the server's is left under its hidden name"
