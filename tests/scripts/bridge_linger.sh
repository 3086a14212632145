# A receiver that has the whole stream waits a few seconds for its peer to
# hang up, and then ends whatever the peer does: over exec:, a far end that
# acknowledges nothing more and never exits (here a sender of the protocol
# in Python that sleeps after its end of file) does not keep the receiver
# alive for ever once its reader has everything.
# needs: python3
source "$(dirname "$0")/lib.sh"

cat > sender.py <<'PY'
import os, struct, sys, time
out, inp = sys.stdout.buffer, sys.stdin.buffer
def send(kind, payload):
    out.write(struct.pack(">BI", kind, len(payload)) + payload)
    out.flush()
def read():
    kind, length = struct.unpack(">BI", inp.read(5))
    return kind, inp.read(length)
send(1, b"FIFOBRDG" + bytes([1, ord("S"), 0]) + os.urandom(16) + struct.pack(">Q", 0) + os.urandom(32))
read()
data = b"hello\n"
send(4, struct.pack(">Q", 0) + data)
send(6, struct.pack(">Q", len(data)))
while read() != (5, struct.pack(">Q", len(data))):
    pass
time.sleep(300)
PY
SPAWN_TIMEOUT=60 spawn bash -c "exec '$F' bridge exec:'exec python3 sender.py' - > got"
receiver=$SPAWNED
finish "$receiver"
eq 0 "$STATUS" "the receiver ends though its peer never hangs up"
eq hello "$(cat got)" "the stream was written"
