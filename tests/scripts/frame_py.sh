# The Python reference peer of docs/frames.md, taken from the document as it
# is, against the CLI both ways: fifo send --frame into its reader, its
# writer into fifo cat --frame.
# needs: python3
source "$(dirname "$0")/lib.sh"
# The framed readers' stash ($TMPDIR/fifo-UID) is this scenario's own: what
# a reader here leaves, or another scenario left, stays with its scenario.
export TMPDIR=$T

sed -n '/^```python$/,/^```$/p' "$SCRIPTS/../../docs/frames.md" | sed '1d;$d' > frames.py
[ -s frames.py ] || fail "no python peer in docs/frames.md"

mkfifo q
# fifo send --frame -> python reader: three lines, one of 10000 bytes (three
# chunks), as three messages, each printed as its length and its bytes.
head -c 9999 /dev/zero | tr '\0' x > long
{ echo one; cat long; echo; printf 'last'; } > lines
spawn bash -c "python3 frames.py recv q > got 2> err"
reader=$SPAWNED
timeout 20 "$F" send --frame -l q < lines
finish "$reader"
eq 0 "$STATUS" "the python reader read the CLI's stream"
{ printf '4\none\n10000\n'; cat long; printf '\n4\nlast'; } > want
cmp -s want got || fail "the python reader got other messages: $(head -c 100 got)"
ok "fifo send --frame -> python reader: every message whole"
eq "" "$(cat err)" "the python reader dropped nothing"

# python writer -> fifo cat --frame: a 1 MiB binary file, an empty one, a
# short one, each one message.
head -c 1048576 /dev/urandom > big
: > empty
echo hi > short
spawn bash -c "'$F' cat --frame --json q > got.json"
reader=$SPAWNED
timeout 20 python3 frames.py send q big empty short
finish "$reader"
eq 0 "$STATUS" "fifo cat --frame read the python writer's stream"
python3 - got.json <<'PY' || fail "fifo cat --frame got other messages from the python writer"
import base64, json, sys
ms = [json.loads(line) for line in open(sys.argv[1])]
data = [base64.b64decode(m["data"]) if m["encoding"] == "base64" else m["data"].encode() for m in ms]
assert data == [open(name, "rb").read() for name in ("big", "empty", "short")]
assert [m["sequence"] for m in ms] == [0, 1, 2] and len({m["writer"] for m in ms}) == 1
PY
ok "python writer -> fifo cat --frame: every message whole, in order"
