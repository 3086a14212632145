# Counted readers that share one inherited descriptor (a work queue read
# as `fifo cat -l 1 <&3` from one shell) still take turns: four reader
# loops and four writers, 2,000 lines and 200 framed messages, each line or
# message exactly once and whole. flock(2) belongs to the open file
# description, which such readers share, so each takes the lock on a
# description of its own.
# needs: linux   # a reader's own open file description is made through /proc/self/fd
# slow
source "$(dirname "$0")/lib.sh"
export TMPDIR=$T

python3 - <<'PY'
import random
rng = random.Random(7)
parts = [open(f"part.{w}", "w") for w in range(4)]
for n in range(2000):
    parts[n % 4].write(f"{n} {'x' * rng.randrange(0, 3000)}\n")
PY
"$F" mk q
exec 3<>q

# readers MODE...: four loops of `fifo cat MODE -l 1 -` on descriptor 3,
# each until it reads STOP; their PIDs in READERS.
export NL=$'\n'
readers() {
    READERS=()
    for i in 1 2 3 4; do
        # Builtins only besides fifo (read -d "" takes the whole file, bytes
        # as they are): on a busy machine every fork counts.
        SPAWN_TIMEOUT=300 spawn bash -c '
            while "$0" cat "${@:2}" -l 1 - <&3 > "one.$1"; do
                IFS= read -r -d "" took < "one.$1" || true
                [ "${took%"$NL"}" != STOP ] || exit 0
                printf %s "$took" >> "got.$1"
            done
            exit 1' "$F" "$i" "$@"
        READERS+=("$SPAWNED")
    done
}
# stop_readers SENDER...: one STOP per loop, then each must end at it.
stop_readers() {
    local i
    for i in 1 2 3 4; do echo STOP | "$@"; done
    for i in "${READERS[@]}"; do
        finish "$i"
        eq 0 "$STATUS" "reader loop $i ended at its STOP"
    done
}

readers
for w in 0 1 2 3; do
    timeout 120 "$F" send -l q < "part.$w" 3>&- &
done
wait_all() { local job; for job in $(jobs -p); do [[ " ${PIDS[*]} " == *" $job "* ]] || wait "$job" || fail "a writer failed"; done; }
wait_all
stop_readers timeout 60 "$F" send -l q
sort part.* > want
cat got.* | sort > got
cmp -s want got || fail "lines lost, torn or doubled: $(diff want got | wc -l) lines differ"
ok "four cat -l 1 loops on one shared descriptor: 2,000 lines, each once and whole"

rm -f got.* one.*
readers --frame
for w in 0 1 2 3; do
    head -n 50 "part.$w" | timeout 120 "$F" send --frame -l q 3>&- &
done
wait_all
stop_readers timeout 60 "$F" send --frame q
head -q -n 50 part.* | sort > want
cat got.* | sort > got
cmp -s want got || fail "messages lost, torn or doubled: $(diff want got | wc -l) lines differ"
ok "four cat --frame -l 1 loops on one shared descriptor: 200 messages, each once and whole"
exec 3>&-
