# fifo wait --data/--empty by a user who cannot see the holders: a FIFO held
# by root, with bytes in it, is never reported empty to uid 65534, and
# --data fails at once rather than wait out its timeout blind.
# needs: root
source "$(dirname "$0")/lib.sh"
need_root

mkfifo -m 666 q
holder=$("$F" hold -b q)
PIDS+=("$holder")
"$F" send --no-wait q data
# root sees through its own hold: data, not empty.
run "$F" wait --data -t 5s q
eq "0 " "$STATUS $ERR" "root sees the 5 bytes"
expect_fail 1 "fifo wait: 'q': cannot wait: Operation not permitted" \
    "${AS_NOBODY[@]}" "$F" wait --empty -t 5s q
expect_fail 1 "fifo wait: 'q': cannot wait: Operation not permitted" \
    "${AS_NOBODY[@]}" "$F" wait --data -t 5s q
# The waits consumed nothing.
eq data "$(timeout 5 "$F" cat -l 1 q)" "the bytes are still there for a reader"
"$F" hold --stop q
