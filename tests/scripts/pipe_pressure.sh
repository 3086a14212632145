# fifo tee under pipe-memory pressure: a user over fs.pipe-user-pages-soft
# gets 8 KiB pipes (the scratch pipe too), while its input pipe may be
# larger. The fan-out must get slower, never drop an output.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root
# A uid of its own: exhausting the pipe memory of a user that other tests
# run as (nobody, in the unprivileged run) would starve them.
pressed_setup 64999
mkfifo -m 666 t1
start_pipe_hog "${PRESSED[@]}"

# The children must not inherit 5 and 6: a held write end is no end of file.
spawn "${PRESSED[@]}" bash -c 'cat t1 | sha256sum > t1.sum' 5<&- 6>&-
reader=$SPAWNED
pressed_tee t1
eq 0 "$STATUS" "tee exits 0 under pipe-memory pressure (stderr: $(cat tee.err))"
eq "" "$(cat tee.err)" "tee says nothing"
finish "$reader"; finish "$OUT_READER"
eq "$want" "$(cat t1.sum)" "the FIFO's reader got every byte"
eq "$want" "$(cat stdout.sum)" "stdout got every byte"
