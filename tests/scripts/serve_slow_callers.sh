# Another user's callers that send their requests slowly (a byte every
# half second, so never "stopped") or connect and send nothing, by the
# thousand, cannot keep root's calls out: one user's calls arriving at once
# are capped at 32 (half of the 64 serve takes), that user's further calls
# are refused at once with one line, and a call of another user is
# answered while the flood goes on.
# needs: root python3 setpriv
source "$(dirname "$0")/lib.sh"
need_root
need python3 setpriv
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no /usr/bin/python3 that uid 65534 can run"

mkdir -m 755 d
"$F" mk -m 622 d/svc
spawn bash -c "exec '$F' serve d/svc -- tr a-z A-Z 2> serve.err"
server=$SPAWNED
wait_until 10 "the call socket" call_socket_ready d/svc.sock

# drip.py COUNT DRIP: COUNT connections, each sending the call's header
# and then, if DRIP, a byte every half second, for 60 s; "ready" is
# written once all are connected.
cat > drip.py <<'PYEOF'
import socket, sys, time
count, drip = int(sys.argv[1]), sys.argv[2] == "drip"
conns = []
for _ in range(count):
    s = socket.socket(socket.AF_UNIX)
    s.setblocking(False)
    try:
        s.connect("d/svc.sock")
    except BlockingIOError:
        s.close()
        continue
    conns.append(s)
    try:
        s.send(b"\0fifo-call 2\0" if drip else b"")
    except OSError:
        pass
print("ready", flush=True)
end = time.time() + 60
while time.time() < end:
    for s in conns:
        try:
            if drip:
                s.send(b"x")
        except OSError:
            pass
    time.sleep(0.5)
PYEOF

for how in drip silent; do
    rm -f attacker.out
    spawn bash -c "cd '$T' && exec ${AS_NOBODY[*]} $PY drip.py 2000 $how > attacker.out"
    attacker=$SPAWNED
    wait_until 20 "the attacker's connections ($how)" grep -q ready attacker.out
    run "$F" call -t 15s d/svc "root's call"
    eq "0|ROOT'S CALL|" "$STATUS|$OUT|$ERR" "root's call is answered while uid 65534's callers $how"
    kill -KILL "$(pgrep -P "$attacker" | head -1)" "$attacker" 2>/dev/null || true
    finish "$attacker"
done
grep -q "^fifo serve: a call refused: uid 65534 has 32 calls arriving already; try again later$" serve.err ||
    fail "no note refusing the flood: $(sort serve.err | uniq -c | head -5)"
ok "the flood's calls past 32 are refused, one line each"
kill -TERM "$server"
finish "$server"
