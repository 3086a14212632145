# A Python client that speaks only the documented format (the reference
# client in docs/serve.md, extracted from it) calls fifo serve, and a Python
# writer of framed messages feeds its work queue.
# needs: python3
source "$(dirname "$0")/lib.sh"
need python3

# The client, exactly as documented.
awk '/^## Reference client/ { on = 1 } on && /^```python$/ { code = 1; next } code && /^```$/ { exit } code' \
    "$SCRIPTS/../../docs/serve.md" > call.py
grep -q "fifo-call 2" call.py || fail "no client found in docs/serve.md"
mkdir tmp
export TMPDIR=$T/tmp

spawn "$F" serve --create -j 2 q -- sh -c 'tr a-z A-Z; echo "to stderr" >&2; exit 5'
wait_until 10 "the call socket" call_socket_ready q.sock
run python3 call.py q hello from python
eq "5 HELLO FROM PYTHON to stderr" "$STATUS $OUT $ERR" "the Python client gets stdout, stderr and status 5"

# A large body, several chunks, from stdin.
head -c 300000 /dev/urandom | base64 > body
timeout 20 python3 call.py q < body > back 2> /dev/null || true
eq "$(tr a-z A-Z < body | sha256sum)" "$(sha256sum < back)" "a 400 KB call from Python comes back whole"
eq "" "$(ls -A tmp)" "the Python client left nothing in TMPDIR"

# Plain framed messages (no envelope) from the frames.md reference writer
# are work-queue requests: output on serve's stdout.
awk '/^## Reference peer/ { on = 1 } on && /^```python$/ { code = 1; next } code && /^```$/ { exit } code' \
    "$SCRIPTS/../../docs/frames.md" > frames.py
printf 'first message\n' > m1
printf 'second\nmessage\n' > m2
spawn bash -c "exec '$F' serve --create -n 3 w -- sh -c 'wc -l' > outw"
server=$SPAWNED
"$F" wait --exists -t 10s w
python3 frames.py send w m1 m2
echo "a line" > w
finish "$server"
eq "0 1 2 1" "$STATUS $(tr '\n' ' ' < outw | sed 's/ $//')" "framed messages and a line in one stream, each one request"
