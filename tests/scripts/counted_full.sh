# A counted read whose standard output is full (/dev/full) takes nothing
# from the FIFO: on the splice engine and the portable one (--no-splice),
# for -l N, -c N and --frame -l N, the next reader gets every byte, none
# torn. A counted read consumes only what it wrote out.
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T
"$F" mk q
exec 7<>q
full="fifo cat: standard output: write error: No space left on device"

for engine in "" --no-splice; do
    for limit in "-l 1" "-c 2" "-c 5" "-l 2"; do
        what="cat ${engine:+$engine }$limit > /dev/full"
        printf 'one\ntwo\n' >&7
        expect_fail 1 "$full" bash -c "exec '$F' cat $engine $limit q > /dev/full"
        run "$F" cat -c 8 q
        eq "$(printf 'one\ntwo\n')" "$OUT" "$what: the next reader gets every byte"
    done
    timeout 60 "$F" send --frame q <<< one 7>&-
    timeout 60 "$F" send --frame q <<< two 7>&-
    expect_fail 1 "$full" bash -c "exec '$F' cat $engine --frame -l 1 q > /dev/full"
    run "$F" cat $engine --frame -l 2 q
    eq "$(printf 'one\ntwo')" "$OUT" "cat ${engine:+$engine }--frame -l 1 > /dev/full: the next reader gets both messages"
done
exec 7>&-
