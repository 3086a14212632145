# --capacity: a size no pipe can have is a usage error (status 2) when the
# command line is read, and a size the system refuses is reported with its
# limit (status 1) before the FIFO is opened. Either way the peer already
# waiting on the other end is neither released nor fed an empty stream.
# needs: linux
source "$(dirname "$0")/lib.sh"

"$F" mk -m 666 f
range="out of range: a pipe holds at most 2G (2147483648 bytes)"

# The unprivileged limit, as an ordinary user meets it; root runs those
# rows as uid 65534 (root may exceed the limit).
limit=$(cat /proc/sys/fs/pipe-max-size 2>/dev/null || echo 0)
big=$((limit * 4))
if [ "$(id -u)" = 0 ]; then
    as_user=("${AS_NOBODY[@]}")
else
    as_user=()
fi
over_limit_testable() {
    local caps
    caps=$(awk '/^CapEff/ {print $2}' /proc/self/status 2>/dev/null || echo 0)
    if [ "$limit" = 0 ] || [ "$big" -gt 2147483648 ]; then
        printf 'skip - over pipe-max-size rows: no usable /proc/sys/fs/pipe-max-size here\n'
        return 1
    elif [ "$(id -u)" != 0 ] && (((16#$caps >> 24) & 1)); then
        printf 'skip - over pipe-max-size rows: this user has CAP_SYS_RESOURCE\n'
        return 1
    fi
}
refused="cannot set the pipe capacity to $big bytes: Operation not permitted (the limit without CAP_SYS_RESOURCE is $limit bytes, /proc/sys/fs/pipe-max-size)"

# Writers: a reader waits in open first, and must still be waiting after
# every refused writer; then it gets exactly the one real message.
spawn "$F" cat -t 15s f > got
reader=$SPAWNED
blocked_in_open "$reader"
for size in 3000000000 3G 2049M 99999999999999999999999; do
    expect_fail 2 "fifo send: invalid value '$size' for '--capacity <BYTES>': $range" "$F" send --capacity "$size" f hi
done
expect_fail 2 "fifo redirect: invalid value '3G' for '--capacity <BYTES>': $range" "$F" redirect --capacity 3G --fd 3 --write f -- true
expect_fail 2 "fifo tee: invalid value '3G' for '--capacity <BYTES>': $range" "$F" tee --capacity 3G f
if over_limit_testable; then
    expect_fail 1 "fifo send: 'f': $refused" "${as_user[@]}" "$F" send --capacity "$big" f hi
    expect_fail 1 "fifo send: 'f': $refused" "${as_user[@]}" "$F" send --no-wait --capacity "$big" f hi
    expect_fail 1 "fifo redirect: 'f': $refused" "${as_user[@]}" "$F" redirect --capacity "$big" --fd 3 --write f -- true
    expect_fail 1 "fifo tee: 'f': $refused" "${as_user[@]}" "$F" tee --capacity "$big" f < /dev/null
fi
blocked_in_open "$reader"
ok "the waiting reader was never released"
run "$F" send f real
eq 0 "$STATUS" "a real send"
finish "$reader"
eq "0 real" "$STATUS $(cat got)" "the reader got exactly the real message"

# Readers: a writer waits in open first, likewise.
spawn "$F" send -t 15s f from-writer
writer=$SPAWNED
blocked_in_open "$writer"
expect_fail 2 "fifo cat: invalid value '5G' for '--capacity <BYTES>': $range" "$F" cat --capacity 5G f
expect_fail 2 "fifo cat: invalid value '5G' for '--capacity <BYTES>': $range" "$F" cat --merge --capacity 5G f
if over_limit_testable; then
    expect_fail 1 "fifo cat: 'f': $refused" "${as_user[@]}" "$F" cat --capacity "$big" f
    expect_fail 1 "fifo cat: 'f': $refused" "${as_user[@]}" "$F" cat --merge --capacity "$big" f
fi
blocked_in_open "$writer"
ok "the waiting writer was never released"
run "$F" cat f
eq "0 from-writer" "$STATUS $OUT" "the writer's message is still whole"
finish "$writer"
eq 0 "$STATUS" "the writer finished"

# A size the system grants still works, and a regular file needs none.
spawn "$F" cat --capacity 64K -v f > got 2> said
reader=$SPAWNED
run "$F" send --capacity 64K f ok
finish "$reader"
eq "0 ok fifo cat: 'f': pipe capacity 65536 bytes" "$STATUS $(cat got) $(cat said)" "--capacity 64K is granted"
echo plain > file
run "${as_user[@]}" "$F" cat --capacity 2G file
eq "0 plain" "$STATUS $OUT" "a regular file is read whatever --capacity says"

# --capacity on a FIFO that is also standard output (or input) stands: the
# quiet raise of the standard pipes comes first, not after it.
mkfifo both
exec 3<> both
for applet in "send --capacity 64K /dev/stdout hi" "tee --capacity 64K /dev/stdout"; do
    run bash -c "exec '$F' $applet > both < /dev/null"
    eq 0 "$STATUS" "fifo $applet > both"
    eq 65536 "$("$F" stat -c %{capacity} both)" "fifo $applet leaves the FIFO at 64 KiB"
    run bash -c "exec '$F' send --capacity 1M both x"
done
exec 3>&-
