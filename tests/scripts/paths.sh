# Every data path, with splice/tee(2) and with --no-splice: FIFO -> pipe,
# FIFO -> file, FIFO -> O_APPEND file (splice refused, fallback taken),
# FIFO -> /dev/null, pipe -> FIFO, file -> FIFO, and tee's fan-out; each
# checked by checksum. Then --capacity and --verbose, including a refusal.
# (Which engine ran, splice or read/write, is shown by engines.sh.)
# slow
source "$(dirname "$0")/lib.sh"

head -c 50000000 /dev/urandom > src
want=$(sha256sum < src | cut -d' ' -f1)
sum() { sha256sum | cut -d' ' -f1; }
"$F" mk f g

for mode in "" --no-splice; do
    label=${mode:-splice}

    spawn "$F" send $mode f < src
    eq "$want" "$(timeout 20 "$F" cat $mode f | sum)" "$label: file -> FIFO -> pipe"

    spawn bash -c "cat src | '$F' send $mode f"
    timeout 20 "$F" cat $mode f > out
    eq "$want" "$(sum < out)" "$label: pipe -> FIFO -> regular file"

    echo -n > appended
    spawn "$F" send $mode f < src
    timeout 20 "$F" cat $mode f >> appended
    eq "$want" "$(sum < appended)" "$label: FIFO -> O_APPEND file"

    spawn bash -c "'$F' send $mode f < src; echo \$? > sent"
    writer=$SPAWNED
    timeout 20 "$F" cat $mode f > /dev/null
    finish "$writer"
    eq 0 "$(cat sent)" "$label: FIFO -> /dev/null took every byte the sender sent"

    spawn bash -c "sha256sum < f | cut -d' ' -f1 > f.sum"
    rf=$SPAWNED
    spawn bash -c "sha256sum < g | cut -d' ' -f1 > g.sum"
    rg=$SPAWNED
    eq "$want" "$(cat src | timeout 20 "$F" tee $mode f g | sum)" "$label: tee, pipe -> stdout pipe"
    finish "$rf"; finish "$rg"
    eq "$want $want" "$(cat f.sum) $(cat g.sum)" "$label: tee, pipe -> two FIFOs"

    spawn bash -c "sha256sum < f | cut -d' ' -f1 > f.sum"
    rf=$SPAWNED
    timeout 20 "$F" tee $mode f < src > out
    finish "$rf"
    eq "$want $want" "$(cat f.sum) $(sum < out)" "$label: tee, file -> FIFO and a regular-file stdout"
done

# Pipe capacities are Linux only: the portable engine has no such control
# (portable.sh shows what it says instead).
if linux_only "pipe capacities: --capacity, -v and the default raise"; then
    # --capacity sets the FIFO's pipe exactly; without it fifo raises to 1 MiB.
    spawn "$F" send f hello
    run "$F" cat -v f
    eq "hello" "$OUT" "cat -v still copies"
    # Only root may go past fs.pipe-max-size; below it the raise quietly stops.
    raised=1048576
    if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/fs/pipe-max-size)" -lt "$raised" ]; then
        raised=$(cat /proc/sys/fs/pipe-max-size)
    fi
    [[ "$ERR" =~ ^"fifo cat: 'f': pipe capacity $raised bytes" ]] || fail "default raise: [$ERR]"
    ok "by default a FIFO's pipe is raised to $raised bytes"
    # Plain cat on the other end leaves the pipe at its default size.
    default=$(default_pipe_size)
    spawn bash -c "cat f > /dev/null"
    run "$F" send --capacity 256K -v f sized
    eq "fifo send: 'f': pipe capacity 262144 bytes (was $default)" "$ERR" "send --capacity 256K sets 262144 bytes"
    finish "$SPAWNED"
    spawn bash -c "cat f > /dev/null"
    run bash -c "echo teed | '$F' tee --capacity 128K -v f > /dev/null"
    eq "fifo tee: 'f': pipe capacity 131072 bytes (was $default)" "$ERR" "tee --capacity"
    finish "$SPAWNED"
    run "$F" redirect --fd 5 --rw --capacity 512K -v f -- true
    eq "0 fifo redirect: 'f': pipe capacity 524288 bytes (was $default)" "$STATUS $ERR" "redirect --capacity"
    expect_fail 2 "invalid size '1X'" "$F" cat --capacity 1X f

    # Without CAP_SYS_RESOURCE (root runs this part as another user), more than
    # pipe-max-size is refused, and the message says what the limit is; the
    # default raise stays quiet.
    limit=$(cat /proc/sys/fs/pipe-max-size)
    "$F" mk -m 666 shared
    spawn "$F" send shared for-nobody
    expect_fail 1 "fifo cat: 'shared': cannot set the pipe capacity to $((limit * 2)) bytes: Operation not permitted (the limit without CAP_SYS_RESOURCE is $limit bytes, /proc/sys/fs/pipe-max-size)" \
        "${UNPRIVILEGED[@]}" "$F" cat --capacity $((limit * 2)) shared
    finish "$SPAWNED"
    spawn "$F" send shared for-nobody
    run "${UNPRIVILEGED[@]}" "$F" cat -v shared
    eq "0 for-nobody" "$STATUS $OUT" "an unprivileged reader still reads"
    [[ "$ERR" =~ "pipe capacity "[0-9]+" bytes" ]] || fail "unprivileged -v: [$ERR]"
    ok "the default raise is quiet when limited: $ERR"
fi
