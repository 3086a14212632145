# Root serves a FIFO that uid 65534 made in a sticky directory (/tmp): the
# call socket beside it is given to the FIFO's owner, who may then remove
# it and put a symlink in its place, under the name it is made under or
# its real one. Root must take no step by the
# socket's name after giving it away: the old code gave it away, then
# changed its mode by name, through the symlink, and made a root-only file
# writable by all. strace holds root's server for a second after each
# chown, so that the swap lands in that window every time.
# needs: root setpriv strace
source "$(dirname "$0")/lib.sh"
need_root
need setpriv strace
strace -f -o /dev/null -e inject=fchownat:delay_exit=1000 true 2>/dev/null ||
    skip "this strace cannot delay a system call (-e inject=...:delay_exit)"

mkdir -m 1777 shared
printf 'root only\n' > secret
chmod 600 secret
"${AS_NOBODY[@]}" mkfifo -m 622 shared/svc

# The attacker: once a file matching GLOB (in shared/) is its own, it puts
# a symlink to root's file in its place.
cat > swap.sh <<'SH'
for _ in $(seq 2000); do
    for file in shared/$1; do
        if [ "$(stat -c %u "$file" 2>/dev/null)" = 65534 ]; then
            rm -f "$file"
            ln -s "$PWD/secret" "$file"
            echo swapped
            exit 0
        fi
    done
    sleep 0.01
done
exit 1
SH

# attack GLOB WHAT: the attacker against the files matching GLOB while root
# serves shared/svc.
attack() {
    local attacker server
    spawn bash -c "${AS_NOBODY[*]} bash swap.sh '$1' > swap.out"
    attacker=$SPAWNED
    spawn strace -f -o /dev/null -e inject=fchownat:delay_exit=1000000 \
        "$F" serve --idle 1s shared/svc -- cat 2> serve.err
    server=$SPAWNED
    finish "$attacker"
    eq "0 swapped" "$STATUS $(cat swap.out)" "$2: the attacker swapped a symlink in"
    finish "$server"
    eq "600 root only" "$(stat -c %a secret) $(cat secret)" "$2: root's file keeps its mode 600"
    eq "$3" "$STATUS $(cat serve.err)" "$2: how the server ends"
    rm -f shared/svc.sock shared/.svc.sock.*
}

# The socket is made under a name of its own, given away, then linked to
# its real name: the swap can land on either name.
attack '.svc.sock.*' "the name the socket is made under" \
    "1 fifo serve: 'shared/svc.sock': refusing to use the call socket: another file was put in its place while it was made"
[ ! -e shared/svc.sock ] || fail "the server left the link it made to the attacker's symlink"
ok "the server took back the link it made to the attacker's symlink"
attack svc.sock "the socket's real name" "0 "
