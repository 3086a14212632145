# fifo tee to three FIFOs under pipe-memory pressure (8 KiB pipes, scratch
# pipe too), one reader leaving mid-stream: the other two readers and stdout
# must still get every byte.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root
# A uid of its own (as pipe_pressure.sh, another one): exhausting the pipe
# memory of a user other tests run as would starve them.
pressed_setup 64996
mkfifo -m 666 t1 t2 t3
start_pipe_hog "${PRESSED[@]}"

spawn "${PRESSED[@]}" bash -c 'cat t1 | sha256sum > t1.sum' 5<&- 6>&-
r1=$SPAWNED
# The reader of t2 leaves after 100,000 bytes.
spawn "${PRESSED[@]}" bash -c 'head -c 100000 t2 > t2.got' 5<&- 6>&-
r2=$SPAWNED
spawn "${PRESSED[@]}" bash -c 'cat t3 | sha256sum > t3.sum' 5<&- 6>&-
r3=$SPAWNED
pressed_tee t1 t2 t3
eq 1 "$STATUS" "tee exits 1: a reader left (stderr: $(cat tee.err))"
[[ "$(cat tee.err)" == "fifo tee: 't2': "* ]] || fail "tee does not name t2: $(cat tee.err)"
eq 1 "$(wc -l < tee.err)" "tee says one line, about t2"
finish "$r1"; finish "$r2"; finish "$r3"; finish "$OUT_READER"
eq "$(head -c 100000 in | sha256sum)" "$(sha256sum < t2.got)" "the leaving reader got the first 100,000 bytes"
eq "$want" "$(cat t1.sum)" "t1's reader got every byte"
eq "$want" "$(cat t3.sum)" "t3's reader got every byte"
eq "$want" "$(cat stdout.sum)" "stdout got every byte"
