# Counted reads (cat -c/-l) never consume what they do not print, also with
# several readers at once: four `fifo cat -l 1` loops on one FIFO fed by four
# writers take every line exactly once and whole (a FIFO as a work queue), on
# the fast path and the portable one. The lock they take is flock(2)'s.
# slow
source "$(dirname "$0")/lib.sh"

# queue LINES OPTS...: four writers send LINES numbered lines of varying
# lengths; four reader loops take one line per `fifo cat OPTS -l 1`; every
# line must arrive exactly once, whole.
queue() {
    local lines=$1 w i
    shift
    rm -f part.* got.* one.*
    python3 - "$lines" <<'PY'
import random, sys
lines = int(sys.argv[1])
rng = random.Random(lines)
parts = [open(f"part.{w}", "w") for w in range(4)]
for n in range(lines):
    parts[n % 4].write(f"{n} {'x' * rng.randrange(0, 400)}\n")
PY
    "$F" mk q
    # A holder, so the pipe and what waits in it outlive every single reader.
    exec 7<>q
    local readers=()
    for i in 1 2 3 4; do
        # One process per line, fifo's own: on a busy machine every fork
        # counts.
        SPAWN_TIMEOUT=300 spawn bash -c '
            while "$0" cat "${@:2}" -l 1 q > "one.$1"; do
                IFS= read -r line < "one.$1" || continue
                [ "$line" != STOP ] || exit 0
                printf "%s\n" "$line" >> "got.$1"
            done
            exit 1' "$F" "$i" "$@"
        readers+=("$SPAWNED")
    done
    local writers=()
    for w in 0 1 2 3; do
        timeout 120 "$F" send -l q < "part.$w" &
        writers+=($!)
    done
    for w in "${writers[@]}"; do wait "$w" || fail "writer $w failed"; done
    # After every line: one STOP per reader (each loop takes one and ends).
    printf 'STOP\nSTOP\nSTOP\nSTOP\n' >&7
    for i in "${readers[@]}"; do
        finish "$i"
        eq 0 "$STATUS" "reader loop $i (${*:-fast path}) ended at its STOP"
    done
    exec 7>&-
    rm q
    sort part.* > want
    cat got.* | sort > got
    eq "$lines $(wc -c < want)" "$(wc -l < got) $(wc -c < got)" "${*:-fast path}: $lines lines in, as many lines and bytes out"
    cmp -s want got || fail "${*:-fast path}: lines lost, torn or doubled: $(diff want got | head -c 300)"
    ok "${*:-fast path}: four concurrent cat -l 1 readers got every line exactly once, whole"
}

# The portable engine (FIFO_PORTABLE=1) reads a byte per read(2) on both
# runs, into pipes of 64 KiB: fewer lines keep the writers in their time.
if [ "${FIFO_PORTABLE:-}" != 1 ]; then
    queue 3000
    queue 1500 --no-splice
else
    queue 1000
    queue 1000 --no-splice
fi

# The lock is flock(2) on the FIFO's open file: a program holding it (here
# flock(1)) makes counted readers wait, and --idle bounds that wait.
"$F" mk held
exec 8<>held
printf 'one\ntwo\n' >&8
flock 8
run "$F" cat -l 1 --idle 300ms held
eq "0 " "$STATUS $OUT" "a counted reader waits for the lock another program holds (until --idle)"
flock -u 8
run "$F" cat -l 1 held
eq "0 one" "$STATUS $OUT" "once the lock is free, the next line"
run "$F" cat -c 4 held
eq "0 two" "$STATUS $OUT" "-c takes it too, and only its bytes"
exec 8>&-
