# fifo serve run by root, called by another user (uid 65534): the caller
# gets its reply, and a caller cannot make the server write into a FIFO
# that is not its own (another user's, read by that user's process).
# needs: root python3
source "$(dirname "$0")/lib.sh"
need_root
need python3 setpriv
# The user's python3 may sit under root's home (pyenv); the system's is for all.
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no /usr/bin/python3 that uid 65534 can run"

awk '/^## Reference client/ { on = 1 } on && /^```python$/ { code = 1; next } code && /^```$/ { exit } code' \
    "$SCRIPTS/../../docs/serve.md" > call.py
chmod 644 call.py
mkdir -m 1777 shared
spawn bash -c "exec '$F' serve --create shared/q -- tr a-z A-Z 2> serve.err"
"$F" wait --exists -t 10s shared/q
chmod 622 shared/q
run "${AS_NOBODY[@]}" env TMPDIR=/tmp "$F" call -t 10s shared/q hello
eq "0 HELLO" "$STATUS $OUT" "a call from uid 65534 to root's server gets its reply"

# root's FIFO, read by root: a caller naming it as its reply address is
# refused (owner is not the caller), and root's reader gets nothing.
mkfifo -m 600 victim
spawn bash -c "exec cat victim > victim.out"
reader=$SPAWNED
"${FS[@]}" wait --reader -t 10s victim
# The forger stays alive while the server judges its call (a caller that
# is gone would lose its reply for that reason instead).
spawn "${AS_NOBODY[@]}" "$PY" -c '
import os, sys, time
sys.argv = ["call.py"]
exec(open("call.py").read().split("if __name__")[0])
fd = os.open("shared/q", os.O_WRONLY)
send_message(fd, b"\0fifo-call 1\0" + os.fsencode(os.path.abspath("victim")) + b"\0secret\n")
print("sent", flush=True)
time.sleep(30)
' > forger.out
forger=$SPAWNED
wait_until 10 "the forged call to be sent" grep -q sent forger.out
wait_until 10 "the refusal" grep -q "the reply to '.*victim' is lost: cannot open: Operation not permitted" serve.err
ok "serve refuses to reply into another user's FIFO"
pkill -KILL -P "$forger" || true
exec 9> victim
exec 9>&-
finish "$reader"
eq "" "$(cat victim.out)" "root's reader got nothing from the server"
