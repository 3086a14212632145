# fifo bridge --frame: 8 concurrent writers x 1000 framed messages of 1 B
# to 256 KiB on the sending side arrive at the far reader (fifo cat
# --frame) whole, each exactly once: none torn, lost or repeated. A ninth
# writer on the far side writes into DST at the same time: the receiving
# bridge writes whole chunks of at most PIPE_BUF, which never mix with its
# (without --frame, the bridge's large writes would tear against them).
# needs: python3
source "$(dirname "$0")/lib.sh"
# Some 23 MB of frames through a debug build on a loaded machine: the
# peers get more than the default 20 s hang guard.
SPAWN_TIMEOUT=120

python3 - <<'PY'
for w in range(9):
    with open("in.%d" % w, "wb") as out:
        for i in range(1000):
            size = 256 * 1024 - 20 if i % 250 == 0 else (i * 7919 + w * 104729) % 3000 + 1
            head = b"%d %d " % (w, i)
            out.write((head + b"x" * size)[: max(size, len(head))] + b"\n")
PY
"$F" mk src dst
spawn "$F" bridge --frame unix-listen:sock dst
receiver=$SPAWNED
spawn bash -c "'$F' cat --frame -0 dst > got"
reader=$SPAWNED
spawn "$F" bridge --frame --once src unix:sock
sender=$SPAWNED
# A writer of our own until all eight are done: their comings and goings
# are no end of file.
exec 3> src
writers=()
for w in 0 1 2 3 4 5 6 7; do
    spawn "$F" send --frame -l src < "in.$w"
    writers+=("$SPAWNED")
done
# The far side's own writer, into DST.
spawn "$F" send --frame -l dst < in.8
writers+=("$SPAWNED")
for writer in "${writers[@]}"; do
    finish "$writer"
    eq 0 "$STATUS" "a writer sent its 1000 messages"
done
exec 3>&-
finish "$sender"
eq 0 "$STATUS" "the sender ends at the end of file"
finish "$receiver"
eq 0 "$STATUS" "the receiver ends with the sender"
finish "$reader"
eq 0 "$STATUS" "the far reader read whole messages only"
python3 - <<'PY' || fail "the messages differ"
sent = sorted(line.rstrip(b"\n") for w in range(9) for line in open("in.%d" % w, "rb"))
got = sorted(m.rstrip(b"\n") for m in open("got", "rb").read().split(b"\0")[:-1])
print("ok - %d messages sent, %d arrived, %d of 256 KiB" % (len(sent), len(got), sum(len(m) > 200000 for m in got)))
assert sent == got, (len(sent), len(got))
PY
ok "every message arrived whole, exactly once"
