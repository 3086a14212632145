# fifo tee under pipe-memory pressure: a user over fs.pipe-user-pages-soft
# gets 8 KiB pipes (the scratch pipe too), while its input pipe may be
# larger. The fan-out must get slower, never drop an output.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root
# A uid of its own: exhausting the pipe memory of a user that other tests
# run as (nobody, in the unprivileged run) would starve them.
PRESSED=(setpriv --reuid=64999 --regid=64999 --clear-groups)
mkdir -m 777 work
cd work
head -c 4000000 /dev/urandom > in
want=$(sha256sum < in)
mkfifo -m 666 t1 stdin stdout
# The input and output pipes exist before the limit is reached: 64 KiB or
# more, larger than anything the pressed user can make afterwards.
exec 5<> stdin 6<> stdout
start_pipe_hog "${PRESSED[@]}"

# The children must not inherit 5 and 6: a held write end is no end of file.
spawn "${PRESSED[@]}" bash -c 'cat t1 | sha256sum > t1.sum' 5<&- 6>&-
reader=$SPAWNED
spawn bash -c 'cat stdout | sha256sum > stdout.sum' 5<&- 6>&-
out_reader=$SPAWNED
spawn bash -c 'cat in > stdin' 5<&- 6>&-
writer=$SPAWNED
# 5 and 6 stand in for the other ends until the real ones are surely
# there: 5 (a writer of stdin) goes once the writer has written everything,
# so tee then sees end of file; 6 (a reader of stdout) goes once tee has
# ended, so its writes never meet a FIFO with no reader (EPIPE) before the
# reader of stdout has opened it.
spawn "${PRESSED[@]}" "$F" tee t1 < stdin > stdout 2> tee.err 5<&- 6>&-
teeing=$SPAWNED
finish "$writer"
exec 5<&-
finish "$teeing"
exec 6>&-
eq 0 "$STATUS" "tee exits 0 under pipe-memory pressure (stderr: $(cat tee.err))"
eq "" "$(cat tee.err)" "tee says nothing"
finish "$reader"; finish "$out_reader"
eq "$want" "$(cat t1.sum)" "the FIFO's reader got every byte"
eq "$want" "$(cat stdout.sum)" "stdout got every byte"
