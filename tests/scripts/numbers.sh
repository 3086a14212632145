# Numbers as coreutils users write them: every byte count takes head's
# suffixes (K = 1024, KB = 1000, KiB, MB...), bare durations are seconds as
# for timeout(1), durations are reported as they are written (1.5s), and a
# refusal is worded as coreutils words it, never in Rust's parse wording.
source "$(dirname "$0")/lib.sh"

head -c 3000000 /dev/urandom > in
for count in 0 1 1K 1KB 1kB 1KiB 2M 1MB; do
    eq "$(head -c "$count" in | cksum)" "$("$F" cat -c "$count" in | cksum)" "cat -c $count copies what head -c $count copies"
done
seq 3000 > lines
for count in 0 7 1K 1KB; do
    eq "$(head -n "$count" lines | cksum)" "$("$F" cat -l "$count" lines | cksum)" "cat -l $count copies what head -n $count copies"
done
# The same table for every byte count: a capacity and a buffer.
mkfifo f
eq "" "$("$F" cat --capacity 64KB --buffer 1MB --progress=never < /dev/null)" "--capacity 64KB --buffer 1MB are taken"
printf 'one\n' | "$F" send --buffer 2KiB --rate-limit 1MB --no-wait f 2>/dev/null || true
ok "send --buffer 2KiB --rate-limit 1MB parse"

say() { printf "fifo %s: invalid value '%s' for '%s': %s (try 'fifo %s --help')" "$1" "$2" "$3" "$4" "$1"; }
hint="(use a byte count, with a suffix K, M, G, T or KB, MB, GB, TB)"
too_large="Value too large for defined data type"
expect_fail 2 "$(say cat 1X '--bytes <N>' "invalid number of bytes '1X' $hint")" "$F" cat -c 1X in
expect_fail 2 "$(say cat 99999999999999999999 '--bytes <N>' "invalid number of bytes '99999999999999999999': $too_large")" \
    "$F" cat -c 99999999999999999999 in
expect_fail 2 "$(say cat 16E '--bytes <N>' "invalid number of bytes '16E': $too_large")" "$F" cat -c 16E in
expect_fail 2 "$(say cat x '--lines <N>' "invalid number of lines 'x'")" "$F" cat -l x in
expect_fail 2 "$(say cat 1.5M '--capacity <BYTES>' "invalid size '1.5M' $hint")" "$F" cat --capacity 1.5M in
expect_fail 2 "$(say serve 0 '--jobs <N>' "invalid number of jobs '0' (use 1 or more)")" "$F" serve -j 0 f -- cat
expect_fail 2 "$(say serve 1x '--requests <N>' "invalid number of requests '1x'")" "$F" serve -n 1x f -- cat
expect_fail 2 "$(say cat 0.5x '--timeout <DUR>' "invalid time interval '0.5x'")" "$F" cat -t 0.5x f
for text in "invalid digit" "too large to fit" "is not in" "time unit needed"; do
    for args in "cat -c 1Q in" "cat -l 99999999999999999999 in" "serve -j 0 f -- cat" "cat -t 5y5 f" "cat -t 0.5x f"; do
        # shellcheck disable=SC2086
        run "$F" $args
        [[ "$ERR" != *"$text"* ]] || fail "fifo $args: Rust's wording reached the user: $ERR"
    done
done
ok "no Rust parse wording reaches the user"

# Bare seconds, fractions too, and the wait reported as it was written.
expect_fail 124 "fifo cat: 'f': timed out after 500ms waiting for a writer" "$F" cat -t 0.5 f
expect_fail 124 "fifo cat: 'f': timed out after 1.5s waiting for a writer" "$F" cat -t 1.5s f
expect_fail 124 "fifo wait: 'absent': timed out after 250ms waiting until it exists" "$F" wait --exists -t .25 absent
expect_fail 124 "fifo send: 'f': timed out after 1.25s waiting for a reader" "$F" send -t 1.25 f hi
