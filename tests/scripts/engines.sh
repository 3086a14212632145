# Which engine moved the data: by default splice(2) (and tee(2) to copy a
# pipe for tee's fan-out); with --no-splice only read and write. strace
# counts the calls of the fifo process on each path, and a checksum checks
# the data.
# needs: strace linux
source "$(dirname "$0")/lib.sh"
need strace

head -c 5000000 /dev/urandom > src
want=$(sha256sum < src | cut -d' ' -f1)
sum() { sha256sum | cut -d' ' -f1; }
"$F" mk f g

# traced NAME CMD...: runs CMD under strace, logging splice, tee and open
# calls of every thread to NAME.trace.
traced() {
    local name=$1
    shift
    timeout 20 strace -f -qq -e trace=splice,tee,openat -o "$name.trace" "$@"
}
# calls NAME SYSCALL: how many SYSCALL calls NAME.trace holds.
calls() {
    grep -cE "^([0-9]+ +)?$2\(" "$1.trace" || true
}

for mode in "" --no-splice; do
    label=${mode:-default}

    # send: a regular file into a FIFO.
    spawn bash -c "sha256sum < f | cut -d' ' -f1 > f.sum"
    traced send "$F" send $mode f < src
    finish "$SPAWNED"
    eq "$want" "$(cat f.sum)" "$label: send file -> FIFO"

    # cat: a FIFO into a pipe.
    spawn bash -c "cat src > f"
    eq "$want" "$(traced cat "$F" cat $mode f | sum)" "$label: cat FIFO -> pipe"
    finish "$SPAWNED"

    # send: a pipe into a FIFO.
    spawn bash -c "sha256sum < f | cut -d' ' -f1 > f.sum"
    cat src | traced send-pipe "$F" send $mode f
    finish "$SPAWNED"
    eq "$want" "$(cat f.sum)" "$label: send pipe -> FIFO"

    # cat: a FIFO into a regular file.
    spawn bash -c "cat src > f"
    traced cat-file "$F" cat $mode f > out
    finish "$SPAWNED"
    eq "$want" "$(sum < out)" "$label: cat FIFO -> regular file"

    # tee: a pipe into two FIFOs and a pipe.
    spawn bash -c "sha256sum < f | cut -d' ' -f1 > f.sum"
    rf=$SPAWNED
    spawn bash -c "sha256sum < g | cut -d' ' -f1 > g.sum"
    rg=$SPAWNED
    eq "$want" "$(cat src | traced tee "$F" tee $mode f g | sum)" "$label: tee pipe -> stdout pipe"
    finish "$rf"; finish "$rg"
    eq "$want $want" "$(cat f.sum) $(cat g.sum)" "$label: tee pipe -> two FIFOs"

    counts=""
    for name in send send-pipe cat cat-file tee; do
        counts+="${counts:+, }$name $(calls "$name" splice) $(calls "$name" tee)"
    done
    if [ -z "$mode" ]; then
        for name in send send-pipe cat cat-file; do
            [ "$(calls "$name" splice)" -gt 0 ] || fail "default $name made no splice call (splice, tee calls: $counts)"
        done
        [ "$(calls tee tee)" -gt 0 ] || fail "default tee made no tee call (splice, tee calls: $counts)"
        ok "default: send and cat splice, tee copies with tee(2) (splice, tee calls: $counts)"
        # The last output takes each round out of the input with splice(2):
        # no round is consumed a second time into /dev/null.
        if grep -q '"/dev/null"' tee.trace; then
            fail "default tee opened /dev/null to throw the input away: $(grep '/dev/null' tee.trace | head -1)"
        fi
        [ "$(calls tee splice)" -gt 0 ] || fail "default tee spliced no round into its last output"
        ok "default: tee splices each round into its last output, discards nothing"
    else
        eq "send 0 0, send-pipe 0 0, cat 0 0, cat-file 0 0, tee 0 0" "$counts" "--no-splice: no splice or tee call anywhere"
    fi
done
