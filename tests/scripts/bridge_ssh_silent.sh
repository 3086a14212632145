# An ssh: link whose connection lands on a host that accepts and never
# says a word (a SYN sent while the link's route was down can reach
# another host through the default route; a middlebox can do the same)
# ends ssh after its connect timeout, which fifo bridge gives OpenSSH, and
# the bridge stops when --retry runs out (124 and one line) instead of
# waiting for ever. Here the silent host is a python3 listener on this
# host's loopback; no sshd is needed.
# needs: ssh python3
source "$(dirname "$0")/lib.sh"

python3 - > port <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
held = []
while True:
    held.append(s.accept()[0])
PY
PIDS+=($!)
wait_until 10 "the silent listener" test -s port
ssh="ssh -p $(cat port) -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"

printf 'never sent\n' > src
# Killed (137) if it waits for ever; its own give-up is 124.
STATUS=0
timeout -s KILL 120 "$F" bridge --retry 2s --ssh "$ssh" src "ssh:127.0.0.1:$T/dst" \
    2> err || STATUS=$?
eq 124 "$STATUS" "the bridge gives up once ssh's connect timeout ends the attempt"
grep -q 'banner exchange' err || fail "ssh did not say it timed out waiting: $(cat err)"
ok "ssh said it timed out in the banner exchange"
grep -q '^fifo bridge: .*2s' err || fail "no line from the bridge about --retry: $(cat err)"
ok "the bridge said how long it tried ($(grep '^fifo bridge' err | tail -n 1))"
