# A counted reader killed with SIGKILL as it writes its first bytes out
# (strace injects the signal at the first write or splice) has taken
# nothing from the FIFO: the next reader gets every byte, none torn, on the
# splice engine and the portable one, for -l and -c. A counted read takes
# from the FIFO only what it has written out.
# needs: strace
source "$(dirname "$0")/lib.sh"
need strace
"$F" mk q
exec 7<>q

for engine in "" --no-splice; do
    for limit in "-l 1" "-c 2" "-l 2"; do
        what="cat ${engine:+$engine }$limit killed at its first write"
        printf 'one\ntwo\n' >&7
        run strace -f -qq -o /dev/null -e trace=write,splice \
            -e inject=write,splice:signal=KILL:when=1 "$F" cat $engine $limit q
        eq 137 "$STATUS" "$what: killed"
        run "$F" cat -c 8 q
        eq "$(printf 'one\ntwo\n')" "$OUT" "$what: the next reader gets every byte"
    done
done
exec 7>&-
