# Root serves a FIFO that uid 65534 made in a sticky directory (/tmp): the
# call socket beside it is given to the FIFO's owner, who may then remove
# it and put a symlink in its place. Root must take no step by the
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

# The attacker: once the socket is its own, it puts a symlink to root's
# file in its place.
cat > swap.sh <<'SH'
for _ in $(seq 2000); do
    if [ "$(stat -c %u shared/svc.sock 2>/dev/null)" = 65534 ]; then
        rm -f shared/svc.sock
        ln -s "$PWD/secret" shared/svc.sock
        echo swapped
        exit 0
    fi
    sleep 0.01
done
exit 1
SH
spawn bash -c "${AS_NOBODY[*]} bash swap.sh > swap.out"
attacker=$SPAWNED
spawn strace -f -o /dev/null -e inject=fchownat:delay_exit=1000000 \
    "$F" serve --idle 1s shared/svc -- cat
server=$SPAWNED
finish "$attacker"
eq "0 swapped" "$STATUS $(cat swap.out)" "the attacker swapped a symlink in for the socket"
finish "$server"
eq "600 root only" "$(stat -c %a secret) $(cat secret)" "root's file keeps its mode 600"
