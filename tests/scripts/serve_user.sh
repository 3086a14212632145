# fifo serve run by root, called by another user (uid 65534): the caller
# is answered when the FIFO's mode lets it write, by its owner bit, its
# group bit (a supplementary group) or the others' bit, and refused when
# not; nothing in a request makes the server open a path (a forged call
# naming root's private FIFO); no other user can answer a caller in the
# server's place (a forged reply to a waiting caller, a planted socket).
# needs: root python3
source "$(dirname "$0")/lib.sh"
need_root
need python3 setpriv
# The user's python3 may sit under root's home (pyenv); the system's is for all.
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no /usr/bin/python3 that uid 65534 can run"
AS_MEMBER=(setpriv --reuid=65534 --regid=65534 --groups=4242)

mkdir -m 1777 shared
"$F" mk -m 622 shared/q
spawn bash -c "exec '$F' serve shared/q -- tr a-z A-Z 2> serve.err"
wait_until 10 "the call socket" call_socket_ready shared/q.sock
eq "srw--w--w-" "$(stat -c %A shared/q.sock)" "the call socket has the FIFO's permission bits"
run "${AS_NOBODY[@]}" "$F" call -t 10s shared/q hello
eq "0 HELLO" "$STATUS $OUT" "a call from uid 65534 is answered when the FIFO's mode lets it write"

# The FIFO narrowed after serve started: the socket file still lets the
# caller connect, and serve refuses it by the FIFO's mode now.
chmod 600 shared/q
run "${AS_NOBODY[@]}" "$F" call -t 10s shared/q hello
eq "1||fifo call: 'shared/q': the server did not run the call: uid 65534 may not write 'shared/q'" \
    "$STATUS|$OUT|$ERR" "a caller that may not write the FIFO is refused"
wait_until 10 "the refusal's note" grep -qx "fifo serve: a call refused: uid 65534 may not write 'shared/q'" serve.err
ok "serve notes the refused call"

# A FIFO others may not write: the kernel refuses the connection.
"$F" mk -m 600 shared/p
spawn "$F" serve shared/p -- cat
wait_until 10 "the call socket" call_socket_ready shared/p.sock
expect_fail 1 "fifo call: 'shared/p.sock': cannot open: Permission denied" \
    "${AS_NOBODY[@]}" "$F" call -t 10s shared/p x

# The group's bit, through a supplementary group.
"$F" mk -m 620 shared/g
chgrp 4242 shared/g
spawn "$F" serve shared/g -- tr a-z A-Z
wait_until 10 "the call socket" call_socket_ready shared/g.sock
run "${AS_MEMBER[@]}" "$F" call -t 10s shared/g member
eq "0 MEMBER" "$STATUS $OUT" "a member of the FIFO's group (supplementary) is answered"
expect_fail 1 "fifo call: 'shared/g.sock': cannot open: Permission denied" \
    "${AS_NOBODY[@]}" "$F" call -t 10s shared/g stranger

# The frames of a call of the old form: a reply path inside the request.
cat > forge.py <<'EOF'
import os, struct, sys
HEADER = struct.Struct(">BBBBIQQQI")
def send(path, pid, payload):
    fd = os.open(path, os.O_WRONLY)
    nonce = int.from_bytes(os.urandom(8), "big")
    os.write(fd, HEADER.pack(0xFF, 0x46, 1, 3, pid, nonce, 0, 0, len(payload)) + payload)
    os.close(fd)
EOF
chmod 644 forge.py

# Attack 1: uid 65534 sends a call claiming pid 1, naming root's private
# FIFO as its reply path. Serve refuses it with one note and opens nothing:
# root's reader of that FIFO gets nothing.
"$F" mk -m 622 shared/svc
spawn bash -c "exec '$F' serve shared/svc -- cat 2> svc.err"
wait_until 10 "the call socket" call_socket_ready shared/svc.sock
mkfifo -m 600 ctl
spawn bash -c "exec cat ctl > ctl.out"
reader=$SPAWNED
"${FS[@]}" wait --reader -t 10s ctl
run "${AS_NOBODY[@]}" "$PY" -c "
exec(open('forge.py').read())
send('shared/svc', 1, b'\0fifo-call 1\0' + os.fsencode(os.path.abspath('ctl')) + b'\0chosen by uid 65534\n')"
eq 0 "$STATUS" "the forged call is sent ($ERR)"
wait_until 10 "the refusal" grep -q "a call naming a reply path is refused" svc.err
eq 1 "$(wc -l < svc.err)" "one note, and nothing else: $(cat svc.err)"
exec 9> ctl
exec 9>&-
finish "$reader"
eq "" "$(cat ctl.out)" "root's reader of its private FIFO got nothing from the server"

# Attack 2: a caller (root) waits for its slow answer; uid 65534 sees its
# pid and what is in its TMPDIR and forges a quick request in its name (the
# old form was answered into the caller's reply FIFO, and the caller
# printed that answer). The caller prints its own answer only.
"$F" mk -m 622 shared/bank
spawn bash -c "exec '$F' serve -j 2 shared/bank -- sh -c 'read x; case \"\$x\" in slow*) while [ ! -e go ]; do sleep 0.05; done;; esac; echo \"answer to: \$x\"'"
wait_until 10 "the call socket" call_socket_ready shared/bank.sock
spawn bash -c "TMPDIR=$T/shared '$F' call -t 20s shared/bank slow balance query > victim.out 2> victim.err; echo \$? > victim.status"
victim=$SPAWNED
wait_until 10 "the victim to wait" pgrep -f "^$F call -t 20s shared/bank"
run "${AS_NOBODY[@]}" "$PY" -c "
import glob
exec(open('forge.py').read())
pid = int(os.popen('pgrep -f \"^$F call -t 20s shared/bank\"').read())
# The reply directories it can list (it cannot look inside them).
for d in glob.glob('$T/shared/*/'):
    send('shared/bank', pid, b'\0fifo-call 1\0' + os.fsencode(d + 'reply') + b'\0FORGED: pay mallory\n')
print('tried')"
eq "0 tried" "$STATUS $OUT" "the forger ran ($ERR)"
touch go
finish "$victim"
eq "0|answer to: slow balance query|" "$(cat victim.status)|$(cat victim.out)|$(cat victim.err)" \
    "the caller gets the answer to its own request, and nothing forged"

# A socket planted by uid 65534 where root's serve would listen: serve
# refuses to start, and root's call refuses the impostor.
"$F" mk -m 622 shared/r
spawn "${AS_NOBODY[@]}" "$PY" -c "
import socket
s = socket.socket(socket.AF_UNIX)
s.bind('shared/r.sock')
s.listen()
print('listening', flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b'o\0\0\0\x09IMPOSTOR\ns\0\0\0\x06exit 0')
    c.close()" > impostor.out
wait_until 10 "the impostor to listen" grep -q listening impostor.out
expect_fail 1 "fifo serve: 'shared/r.sock': refusing to use the call socket: a socket of uid 65534 is in its place" \
    "$F" serve -n 1 shared/r -- cat
expect_fail 1 "fifo call: 'shared/r.sock': refusing to use the call socket: a server of uid 65534, who is neither the FIFO's owner (uid 0) nor root nor you is in its place" \
    "$F" call -t 10s shared/r x
